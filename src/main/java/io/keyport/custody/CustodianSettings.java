package io.keyport.custody;

import java.nio.file.Path;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * One custodian ({@code keyport.custody.<name>.*}). Which settings apply depends on the
 * type; {@link CustodianFactory} refuses a setting of another type and a missing one at
 * startup, naming the property.
 *
 * @param type {@code kms-envelope}, {@code pkcs11} or {@code local-file}
 * @param kmsTarget kms-envelope: the KMS target of the custody key (default: the default
 * target)
 * @param keyId kms-envelope: the custody key (id, ARN or alias; symmetric,
 * ENCRYPT_DECRYPT, Keyport-generated material, ideally in another account)
 * @param library pkcs11: the PKCS#11 module (e.g. /usr/lib/softhsm/libsofthsm2.so)
 * @param tokenLabel pkcs11: the label of the token that keeps the material
 * @param pinFile pkcs11: a file holding the token user's PIN (one line)
 * @param keyFile local-file: a file of exactly 32 raw bytes, the AES key
 * @param allowInsecureLocalFile local-file: must be true, or startup is refused (local
 * runs and tests only)
 */
public record CustodianSettings(String type, String kmsTarget, String keyId, Path library, String tokenLabel,
		Path pinFile, Path keyFile, @DefaultValue("false") boolean allowInsecureLocalFile) {

	@Override
	public String toString() {
		return "CustodianSettings[" + this.type + "]";
	}

}
