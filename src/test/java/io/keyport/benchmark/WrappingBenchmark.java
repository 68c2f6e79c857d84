package io.keyport.benchmark;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import io.keyport.wrapping.EncryptedKeyMaterial;
import io.keyport.wrapping.ImportRules;
import io.keyport.wrapping.ImportSpec;
import io.keyport.wrapping.KeyMaterial;
import io.keyport.wrapping.KeyMaterialWrapper;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.Partition;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;
import io.keyport.wrapping.WrappingPublicKey;

/**
 * Wraps per second through the public API, one wrap per invocation, as an import request
 * does it: checks, fresh material, wrap, destroy. Run by
 * {@code scripts/benchmark-wrapping.sh}; the name does not end in {@code Tests}, so
 * surefire leaves it alone.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class WrappingBenchmark {

	/** RSAES_OAEP_*: 32 bytes of SYMMETRIC_DEFAULT material directly under RSA-OAEP. */
	@State(Scope.Benchmark)
	public static class Oaep {

		@Param({ "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256" })
		public WrappingAlgorithm algorithm;

		@Param({ "RSA_2048", "RSA_3072", "RSA_4096" })
		public WrappingKeySpec wrappingKeySpec;

		final KeyMaterialWrapper wrapper = new KeyMaterialWrapper();

		ImportSpec spec;

		final KeySpec keySpec = KeySpec.SYMMETRIC_DEFAULT;

		WrappingPublicKey wrappingKey;

		byte[] material;

		@Setup(Level.Trial)
		public void setUp() throws GeneralSecurityException {
			this.wrappingKey = wrappingKey(this.wrappingKeySpec);
			this.material = new byte[32];
			new SecureRandom().nextBytes(this.material);
			this.spec = new ImportSpec(this.keySpec, this.algorithm, this.wrappingKeySpec,
					ImportRules.aws(Partition.STANDARD));
		}

	}

	/**
	 * RSA_AES_KEY_WRAP_*: a DER PKCS#8 private key under an ephemeral AES key, that key
	 * under RSA-OAEP.
	 */
	@State(Scope.Benchmark)
	public static class AesKeyWrap {

		@Param({ "RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256" })
		public WrappingAlgorithm algorithm;

		@Param({ "RSA_2048", "RSA_3072", "RSA_4096" })
		public WrappingKeySpec wrappingKeySpec;

		/**
		 * The KMS key spec of the material: an EC key (about 70 bytes) or an RSA key
		 * (about 1.2 KB).
		 */
		@Param({ "ECC_NIST_P256", "RSA_2048" })
		public KeySpec keySpec;

		final KeyMaterialWrapper wrapper = new KeyMaterialWrapper();

		ImportSpec spec;

		WrappingPublicKey wrappingKey;

		byte[] material;

		@Setup(Level.Trial)
		public void setUp() throws GeneralSecurityException {
			this.wrappingKey = wrappingKey(this.wrappingKeySpec);
			this.material = switch (this.keySpec) {
				case ECC_NIST_P256 -> {
					KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
					generator.initialize(new ECGenParameterSpec("secp256r1"));
					yield generator.generateKeyPair().getPrivate().getEncoded();
				}
				case RSA_2048 -> rsa(2048).getPrivate().getEncoded();
				default -> throw new IllegalArgumentException("no material generator for " + this.keySpec);
			};
			this.spec = new ImportSpec(this.keySpec, this.algorithm, this.wrappingKeySpec,
					ImportRules.aws(Partition.STANDARD));
		}

	}

	@Benchmark
	public EncryptedKeyMaterial oaep(Oaep state) {
		return wrap(state.wrapper, state.material, state.spec, state.wrappingKey);
	}

	@Benchmark
	public EncryptedKeyMaterial aesKeyWrap(AesKeyWrap state) {
		return wrap(state.wrapper, state.material, state.spec, state.wrappingKey);
	}

	private static EncryptedKeyMaterial wrap(KeyMaterialWrapper wrapper, byte[] material, ImportSpec spec,
			WrappingPublicKey wrappingKey) {
		// KeyMaterial owns (and zeroes) its array, so every invocation gets a copy,
		// closed as real callers do
		try (KeyMaterial owned = KeyMaterial.takeOwnership(material.clone())) {
			return wrapper.wrap(owned, spec, wrappingKey);
		}
	}

	private static WrappingPublicKey wrappingKey(WrappingKeySpec spec) throws GeneralSecurityException {
		return WrappingPublicKey.fromDer(rsa(spec.bits()).getPublic().getEncoded());
	}

	private static KeyPair rsa(int bits) throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(bits);
		return generator.generateKeyPair();
	}

}
