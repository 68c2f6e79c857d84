package io.keyport.wrapping;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * SM2_SM4_KEY_WRAP, Huawei Cloud KMS's SM2_ENCRYPT envelope for SM2 private keys: a fresh
 * 16-byte SM4 key under the SM2 wrapping key ({@link Sm2Pke}, GM/T 0009 DER), the
 * material under that key with SM4-KWP ({@link Sm4Kwp}); the output is the SM2 ciphertext
 * followed by the SM4-KWP output, with no separator (the SM2 ciphertext's DER header says
 * where it ends, see {@link HuaweiEnvelope#split}).
 */
final class Sm2Sm4KeyWrapScheme implements WrappingScheme {

	/** The SM2 ciphertext of the temporary key, at most. */
	private static final int KEY_BLOCK_MAX = Sm2Pke.maxLength(Sm4Kwp.KEY_LENGTH);

	/** The most material whose envelope stays within the upload limit. */
	private static final int CAPACITY = ((EncryptedKeyMaterial.MAX_LENGTH - KEY_BLOCK_MAX - 8) / 8) * 8;

	@Override
	public WrappingAlgorithm algorithm() {
		return WrappingAlgorithm.SM2_SM4_KEY_WRAP;
	}

	@Override
	public int capacity(WrappingKeySpec wrappingKeySpec) {
		return (wrappingKeySpec == WrappingKeySpec.SM2) ? CAPACITY : 0;
	}

	@Override
	public EncryptedKeyMaterial wrap(byte[] plaintext, ImportSpec spec, WrappingPublicKey wrappingKey,
			SecureRandom random) {
		if (plaintext.length > CAPACITY) {
			throw Refusals
				.tooLarge(spec.keySpec() + " key material of " + plaintext.length + " bytes would wrap to more than "
						+ EncryptedKeyMaterial.MAX_LENGTH + " bytes with SM2_SM4_KEY_WRAP, the upload limit");
		}
		byte[] sm4Key = new byte[Sm4Kwp.KEY_LENGTH];
		try {
			random.nextBytes(sm4Key);
			byte[] keyBlock = Sm2Pke.encrypt(wrappingKey.publicKey(), sm4Key, random);
			byte[] kwp = Sm4Kwp.wrap(sm4Key, plaintext);
			byte[] out = Arrays.copyOf(keyBlock, keyBlock.length + kwp.length);
			System.arraycopy(kwp, 0, out, keyBlock.length, kwp.length);
			return EncryptedKeyMaterial.of(out);
		}
		finally {
			Arrays.fill(sm4Key, (byte) 0);
		}
	}

	/**
	 * An SM2 ciphertext (GM/T 0009 DER, C1 on the curve) of a 16-byte key, then SM4-KWP
	 * output: a multiple of 8 bytes, at least 16.
	 */
	@Override
	public void checkCiphertext(EncryptedKeyMaterial encrypted, WrappingPublicKey wrappingKey) {
		if (wrappingKey.spec() != WrappingKeySpec.SM2) {
			throw Refusals.incompatible("SM2_SM4_KEY_WRAP needs the SM2 wrapping key spec, got " + wrappingKey.spec()
					+ "; an RSA wrapping key goes with RSAES_OAEP_* or RSA_AES_KEY_WRAP_SHA_256");
		}
		int found = encrypted.length();
		if (found > EncryptedKeyMaterial.MAX_LENGTH) {
			throw Refusals.invalidEncrypted("expected at most " + EncryptedKeyMaterial.MAX_LENGTH
					+ " bytes (the upload limit) for SM2_SM4_KEY_WRAP, got " + found);
		}
		HuaweiEnvelope.Parts parts = HuaweiEnvelope.split(encrypted, WrappingAlgorithm.SM2_SM4_KEY_WRAP,
				WrappingKeySpec.SM2);
		String problem = Sm2Pke.problem(parts.encryptedKeyMaterial());
		if (problem != null) {
			throw Refusals.invalidEncrypted("expected an SM2 ciphertext (the GM/T 0009 DER SEQUENCE that OpenSSL "
					+ "writes) of the SM4 key first for SM2_SM4_KEY_WRAP; its " + parts.encryptedKeyMaterial().length
					+ " bytes are " + problem);
		}
		int keyLength = Sm2Pke.messageLength(parts.encryptedKeyMaterial());
		if (keyLength != Sm4Kwp.KEY_LENGTH) {
			throw Refusals.invalidEncrypted("the SM2 ciphertext of SM2_SM4_KEY_WRAP carries " + keyLength
					+ " bytes; the temporary SM4 key is " + Sm4Kwp.KEY_LENGTH);
		}
	}

}
