package io.keyport.emulator;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Pre-generated RSA wrapping key pairs, shared by all emulators in the JVM. RSA key
 * generation takes hundreds of milliseconds (seconds for 4096 bits), far too slow to do
 * per GetParametersForImport; every call still gets its own import token, only the key
 * pairs are reused round-robin. Every size has several, and a key's next parameter set
 * never gets the pair of its previous one, which catches clients that wrap with the
 * public key of another parameter set (AWS gives every set its own).
 */
public final class WrappingKeyPool {

	private static final WrappingKeyPool SHARED = new WrappingKeyPool(Map.of(2048, 3, 3072, 2, 4096, 2));

	// One generator thread: the machines running the tests have few cores and other work
	// to do.
	private final ExecutorService generator = Executors.newSingleThreadExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "kms-emulator-keygen");
		thread.setDaemon(true);
		return thread;
	});

	private final Map<Integer, Slot> slots;

	private WrappingKeyPool(Map<Integer, Integer> sizes) {
		this.slots = Map.copyOf(sizes.entrySet()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, (e) -> new Slot(e.getKey(), e.getValue()))));
	}

	public static WrappingKeyPool shared() {
		return SHARED;
	}

	/** Starts generating the key pairs of a size in the background. */
	public void warmUp(int bits) {
		slot(bits).start();
	}

	/**
	 * A key pair of the size: a ready one round-robin, or the first one once it is
	 * generated.
	 */
	public KeyPair next(int bits) {
		return slot(bits).next(null);
	}

	/**
	 * A key pair of the size other than {@code previous}: waits for a second one to be
	 * generated when only {@code previous} is ready.
	 */
	public KeyPair next(int bits, KeyPair previous) {
		return slot(bits).next(previous);
	}

	private Slot slot(int bits) {
		Slot slot = this.slots.get(bits);
		if (slot == null) {
			throw new IllegalArgumentException("No RSA wrapping keys of " + bits + " bits");
		}
		return slot;
	}

	private final class Slot {

		private final int bits;

		private final int size;

		private final AtomicInteger counter = new AtomicInteger();

		private volatile List<CompletableFuture<KeyPair>> entries;

		Slot(int bits, int size) {
			this.bits = bits;
			this.size = size;
		}

		List<CompletableFuture<KeyPair>> start() {
			List<CompletableFuture<KeyPair>> current = this.entries;
			if (current == null) {
				synchronized (this) {
					current = this.entries;
					if (current == null) {
						List<CompletableFuture<KeyPair>> created = new ArrayList<>(this.size);
						for (int i = 0; i < this.size; i++) {
							created.add(CompletableFuture.supplyAsync(this::generate, WrappingKeyPool.this.generator));
						}
						current = List.copyOf(created);
						this.entries = current;
					}
				}
			}
			return current;
		}

		KeyPair next(KeyPair previous) {
			List<CompletableFuture<KeyPair>> all = start();
			List<KeyPair> ready = all.stream()
				.filter((f) -> f.isDone() && !f.isCompletedExceptionally())
				.map(CompletableFuture::join)
				.filter((pair) -> pair != previous)
				.toList();
			if (ready.isEmpty()) {
				// the first pair not handed out last time, once generated
				return all.stream()
					.map(CompletableFuture::join)
					.filter((pair) -> pair != previous)
					.findFirst()
					.orElseThrow(
							() -> new IllegalStateException("only one RSA wrapping key of " + this.bits + " bits"));
			}
			return ready.get(Math.floorMod(this.counter.getAndIncrement(), ready.size()));
		}

		private KeyPair generate() {
			try {
				KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
				generator.initialize(new RSAKeyGenParameterSpec(this.bits, BigInteger.valueOf(65537)));
				return generator.generateKeyPair();
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException("RSA key generation failed", ex);
			}
		}

	}

}
