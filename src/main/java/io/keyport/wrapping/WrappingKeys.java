package io.keyport.wrapping;

/** Parsing and encoding of wrapping public keys. */
final class WrappingKeys {

	private WrappingKeys() {
	}

	static WrappingPublicKey parse(byte[] der) {
		throw new UnsupportedOperationException("implemented by the wrapping work");
	}

	static String toPem(byte[] der) {
		throw new UnsupportedOperationException("implemented by the wrapping work");
	}

}
