package io.keyport.wrapping;

import java.util.List;

import io.keyport.wrapping.WrappingException.Reason;

/**
 * Refusals and message pieces that the rules and the schemes share; messages never
 * contain key material.
 */
final class Refusals {

	private Refusals() {
	}

	static WrappingException needsRsaWrappingKey(WrappingAlgorithm algorithm, WrappingKeySpec found) {
		return incompatible(algorithm + " needs an RSA wrapping key (RSA_2048, RSA_3072 or RSA_4096), got " + found
				+ "; an SM2 wrapping key goes with SM2PKE only");
	}

	static WrappingException needsSm2WrappingKey(WrappingKeySpec found) {
		return incompatible("SM2PKE needs the SM2 wrapping key spec, got " + found + "; an RSA wrapping key goes with "
				+ "RSAES_OAEP_* or RSA_AES_KEY_WRAP_*");
	}

	static WrappingException incompatible(String message) {
		return new WrappingException(Reason.INCOMPATIBLE_WRAPPING_ALGORITHM, message);
	}

	static WrappingException invalidEncrypted(String message) {
		return new WrappingException(Reason.INVALID_ENCRYPTED_KEY_MATERIAL, message);
	}

	static WrappingException tooLarge(String message) {
		return new WrappingException(Reason.KEY_MATERIAL_TOO_LARGE, message);
	}

	/** Length of {@code bytes} bytes as base64 text: a likely mix-up in uploads. */
	static int base64Length(int bytes) {
		return 4 * ((bytes + 2) / 3);
	}

	/** "A", "A or B", "A, B or C". */
	static String join(List<String> items) {
		if (items.isEmpty()) {
			return "";
		}
		if (items.size() == 1) {
			return items.get(0);
		}
		return String.join(", ", items.subList(0, items.size() - 1)) + " or " + items.get(items.size() - 1);
	}

}
