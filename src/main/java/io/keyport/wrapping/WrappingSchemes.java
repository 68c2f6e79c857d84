package io.keyport.wrapping;

import java.util.Objects;

/** The factory of {@link WrappingScheme}s: one instance per wrapping algorithm. */
final class WrappingSchemes {

	private static final RsaOaepScheme OAEP_SHA_1 = new RsaOaepScheme(WrappingAlgorithm.RSAES_OAEP_SHA_1);

	private static final RsaOaepScheme OAEP_SHA_256 = new RsaOaepScheme(WrappingAlgorithm.RSAES_OAEP_SHA_256);

	private static final RsaAesKeyWrapScheme KEY_WRAP_SHA_1 = new RsaAesKeyWrapScheme(
			WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_1);

	private static final RsaAesKeyWrapScheme KEY_WRAP_SHA_256 = new RsaAesKeyWrapScheme(
			WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256);

	private static final Sm2PkeScheme SM2PKE = new Sm2PkeScheme();

	private static final Pkcs1V15Scheme PKCS1_V1_5 = new Pkcs1V15Scheme();

	private static final Sm2Sm4KeyWrapScheme SM2_SM4_KEY_WRAP = new Sm2Sm4KeyWrapScheme();

	private WrappingSchemes() {
	}

	static WrappingScheme forAlgorithm(WrappingAlgorithm algorithm) {
		return switch (Objects.requireNonNull(algorithm, "algorithm")) {
			case RSAES_OAEP_SHA_1 -> OAEP_SHA_1;
			case RSAES_OAEP_SHA_256 -> OAEP_SHA_256;
			case RSA_AES_KEY_WRAP_SHA_1 -> KEY_WRAP_SHA_1;
			case RSA_AES_KEY_WRAP_SHA_256 -> KEY_WRAP_SHA_256;
			case SM2PKE -> SM2PKE;
			case RSAES_PKCS1_V1_5 -> PKCS1_V1_5;
			case SM2_SM4_KEY_WRAP -> SM2_SM4_KEY_WRAP;
		};
	}

}
