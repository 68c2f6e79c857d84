package io.keyport.wrapping;

import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import javax.crypto.Cipher;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ephemeral AES key of RSA_AES_KEY_WRAP must not outlive the wrapping inside the
 * JDK's {@code Cipher}: SunJCE's AES engine keeps the last key and its round keys until
 * the {@code Cipher} is collected unless they are overwritten. Looks into the provider's
 * objects (the surefire argLine opens them); skipped where they are closed.
 */
class KwpKeyScheduleTests {

	@Test
	void noCopyOfTheEphemeralKeyOrItsRoundKeysRemainsInTheCipherAfterWrapping() throws Exception {
		SecureRandom random = new SecureRandom();
		for (int length : new int[] { 16, 24, 32 }) {
			byte[] kek = new byte[length];
			random.nextBytes(kek);
			byte[] expected = kek.clone();
			byte[] material = new byte[32];
			random.nextBytes(material);
			Cipher cipher = Cipher.getInstance(Kwp.TRANSFORMATION);

			Kwp.wrap(cipher, kek, material);

			List<Object> arrays = arraysInside(cipher);
			assertThat(arrays).as("arrays inside the provider's Cipher").isNotEmpty();
			// the first round key of AES is the key itself, as big-endian 32-bit words
			int[] words = new int[length / 4];
			ByteBuffer.wrap(expected).asIntBuffer().get(words);
			for (Object array : arrays) {
				if (array instanceof byte[] bytes) {
					assertThat(contains(bytes, expected))
						.as("a byte[] inside the Cipher holds the AES-" + length * 8 + " key")
						.isFalse();
				}
				else if (array instanceof int[] ints) {
					assertThat(contains(ints, words))
						.as("an int[] inside the Cipher holds the AES-" + length * 8 + " key schedule")
						.isFalse();
				}
			}
		}
	}

	/**
	 * Every byte[] and int[] reachable from the cipher through provider objects
	 * (javax.crypto, com.sun.crypto).
	 */
	private static List<Object> arraysInside(Object root) {
		List<Object> arrays = new ArrayList<>();
		Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		List<Object> pending = new ArrayList<>(List.of(root));
		while (!pending.isEmpty()) {
			Object object = pending.removeLast();
			if (object == null || !seen.add(object)) {
				continue;
			}
			if (object instanceof byte[] || object instanceof int[]) {
				arrays.add(object);
				continue;
			}
			if (object instanceof Object[] elements) {
				pending.addAll(Arrays.asList(elements));
				continue;
			}
			for (Class<?> type = object.getClass(); type != null; type = type.getSuperclass()) {
				String name = type.getName();
				if (!name.startsWith("javax.crypto.") && !name.startsWith("com.sun.crypto.provider.")) {
					continue;
				}
				for (Field field : type.getDeclaredFields()) {
					if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
						continue;
					}
					try {
						field.setAccessible(true);
						pending.add(field.get(object));
					}
					catch (InaccessibleObjectException | IllegalAccessException ex) {
						Assumptions.abort("the JDK provider's classes are not open to this test: " + ex);
					}
				}
			}
		}
		return arrays;
	}

	private static boolean contains(byte[] haystack, byte[] needle) {
		for (int i = 0; i + needle.length <= haystack.length; i++) {
			if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
				return true;
			}
		}
		return false;
	}

	private static boolean contains(int[] haystack, int[] needle) {
		for (int i = 0; i + needle.length <= haystack.length; i++) {
			if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
				return true;
			}
		}
		return false;
	}

}
