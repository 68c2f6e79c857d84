package io.keyport.kms;

import java.time.Instant;
import java.util.Arrays;

/**
 * A wrapping public key and the import token that goes with it (GetParametersForImport).
 * Both are needed, unchanged, for one import before {@code validTo}. {@code toString}
 * omits the token.
 *
 * @param keyArn the key the parameters belong to
 * @param publicKeyDer DER SubjectPublicKeyInfo of the wrapping key
 * @param importToken opaque token, sent back with ImportKeyMaterial
 */
public record ImportParameters(String keyArn, byte[] publicKeyDer, byte[] importToken, Instant validTo) {

	@Override
	public boolean equals(Object other) {
		return other instanceof ImportParameters that && this.keyArn.equals(that.keyArn)
				&& Arrays.equals(this.publicKeyDer, that.publicKeyDer)
				&& Arrays.equals(this.importToken, that.importToken) && this.validTo.equals(that.validTo);
	}

	@Override
	public int hashCode() {
		return 31 * this.keyArn.hashCode() + Arrays.hashCode(this.importToken);
	}

	@Override
	public String toString() {
		return "ImportParameters[keyArn=" + this.keyArn + ", validTo=" + this.validTo + "]";
	}

}
