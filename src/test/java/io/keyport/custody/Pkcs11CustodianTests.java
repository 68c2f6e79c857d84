package io.keyport.custody;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keyport.testsupport.HeapDumps;
import io.keyport.wrapping.EncryptedKeyMaterial;
import io.keyport.wrapping.ImportSpec;
import io.keyport.wrapping.KeyMaterial;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;
import io.keyport.wrapping.WrappingPublicKey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The PKCS#11 custodian against a SoftHSM2 token (skipped without SoftHSM2): material
 * generated or imported in the token is wrapped there with CKM_RSA_PKCS_OAEP, and the
 * JDK's RSA private key of the test's wrapping key pair unwraps it.
 */
class Pkcs11CustodianTests {

	private static KeyPair wrappingKeys;

	private Pkcs11Custodian custodian;

	@BeforeAll
	static void wrappingKeyPair() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		wrappingKeys = generator.generateKeyPair();
	}

	@BeforeEach
	void token() throws Exception {
		SoftHsmToken.assumeAvailable();
		CustodianSettings settings = new CustodianSettings("pkcs11", null, null, SoftHsmToken.LIBRARY,
				SoftHsmToken.LABEL, SoftHsmToken.pinFile(), null, false);
		this.custodian = (Pkcs11Custodian) new CustodianFactory(null, null, null).create("hsm", settings);
	}

	@Test
	void aPinTheTokenRefusedIsNotTriedAgainSoAnHsmThatCountsFailedLoginsDoesNotLockItsUser() {
		Pkcs11Custodian wrongPin = new Pkcs11Custodian("hsm", SoftHsmToken.LIBRARY, SoftHsmToken.LABEL,
				"not-the-pin".toCharArray());

		assertThatExceptionOfType(CustodyException.class)
			.isThrownBy(() -> wrongPin.generate(KeySpec.SYMMETRIC_DEFAULT, 32))
			.withMessageContaining("CKR_PIN_INCORRECT");
		assertThatExceptionOfType(CustodyException.class)
			.isThrownBy(() -> wrongPin.generate(KeySpec.SYMMETRIC_DEFAULT, 32))
			.satisfies(ex -> assertThat(ex.reason()).isEqualTo(CustodyException.Reason.REFUSED))
			.withMessageContaining("does not log in with it again");
		// the token itself still takes the right PIN
		assertThat(this.custodian.generate(KeySpec.SYMMETRIC_DEFAULT, 32).custodian()).isEqualTo("hsm");
	}

	@Test
	void knownAesKeyImportedIntoTheTokenUnwrapsOutsideToTheSameBytes() throws Exception {
		byte[] known = random(32);
		CustodyReference reference = this.custodian.store(KeyMaterial.takeOwnership(known.clone()),
				KeySpec.SYMMETRIC_DEFAULT);

		EncryptedKeyMaterial wrapped = this.custodian.wrapForImport(reference, wrappingKey(),
				spec(WrappingAlgorithm.RSAES_OAEP_SHA_1));

		assertThat(wrapped.length()).isEqualTo(256);
		assertThat(unwrap(wrapped, "SHA-1", MGF1ParameterSpec.SHA1)).isEqualTo(known);
	}

	@Test
	void materialGeneratedInTheTokenIsWrappedThereAsTheSame32BytesEachTime() throws Exception {
		CustodyReference reference = this.custodian.generate(KeySpec.SYMMETRIC_DEFAULT, 32);
		assertThat(reference.custodian()).isEqualTo("hsm");

		byte[] first = unwrap(
				this.custodian.wrapForImport(reference, wrappingKey(), spec(WrappingAlgorithm.RSAES_OAEP_SHA_1)),
				"SHA-1", MGF1ParameterSpec.SHA1);
		byte[] second = unwrap(
				this.custodian.wrapForImport(reference, wrappingKey(), spec(WrappingAlgorithm.RSAES_OAEP_SHA_1)),
				"SHA-1", MGF1ParameterSpec.SHA1);

		// the token never reveals the value; two independent wraps (random OAEP seeds)
		// agree
		assertThat(first).hasSize(32).isEqualTo(second);
	}

	@Test
	void theSixteenByteSymmetricDefaultOfTheAwsChinaRegionsIsGeneratedAndKeptAtThatLength() throws Exception {
		ImportSpec china = new ImportSpec(KeySpec.SYMMETRIC_DEFAULT, WrappingAlgorithm.RSAES_OAEP_SHA_1,
				WrappingKeySpec.RSA_2048, io.keyport.wrapping.ImportRules.awsRegion("cn-north-1"));
		int length = china.rules().materialBytes(KeySpec.SYMMETRIC_DEFAULT);
		assertThat(length).isEqualTo(16);

		CustodyReference generated = this.custodian.generate(KeySpec.SYMMETRIC_DEFAULT, length);
		assertThat(
				unwrap(this.custodian.wrapForImport(generated, wrappingKey(), china), "SHA-1", MGF1ParameterSpec.SHA1))
			.hasSize(16);
		byte[] known = random(16);
		CustodyReference stored = this.custodian.store(KeyMaterial.takeOwnership(known.clone()),
				KeySpec.SYMMETRIC_DEFAULT);
		assertThat(unwrap(this.custodian.wrapForImport(stored, wrappingKey(), china), "SHA-1", MGF1ParameterSpec.SHA1))
			.isEqualTo(known);
		// no other length
		assertThatExceptionOfType(CustodyException.class)
			.isThrownBy(() -> this.custodian.store(KeyMaterial.takeOwnership(random(24)), KeySpec.SYMMETRIC_DEFAULT))
			.satisfies(ex -> assertThat(ex.code()).isEqualTo("custody-unsupported"));
	}

	/**
	 * SoftHSM2 2.6 refuses CKM_RSA_PKCS_OAEP with any hash but SHA-1 (CKR_ARGUMENTS_BAD);
	 * an HSM that takes SHA-256 must give the right bytes.
	 */
	@Test
	void oaepSha256IsWrappedInTheTokenOrRefusedWithAClearCustodyError() throws Exception {
		byte[] known = random(32);
		CustodyReference reference = this.custodian.store(KeyMaterial.takeOwnership(known.clone()),
				KeySpec.SYMMETRIC_DEFAULT);
		try {
			EncryptedKeyMaterial wrapped = this.custodian.wrapForImport(reference, wrappingKey(),
					spec(WrappingAlgorithm.RSAES_OAEP_SHA_256));
			assertThat(unwrap(wrapped, "SHA-256", MGF1ParameterSpec.SHA256)).isEqualTo(known);
		}
		catch (CustodyException ex) {
			assertThat(ex.code()).isEqualTo("custody-refused");
			assertThat(ex.getMessage()).contains("CKR_");
		}
	}

	/**
	 * The heap is dumped after the generate and the wrap, before the test unwraps: the
	 * token's value must not be anywhere in it (live or garbage objects).
	 */
	@Test
	void materialGeneratedInTheTokenIsNotInTheHeapAfterItsWrap(@TempDir Path dir) throws Exception {
		CustodyReference reference = this.custodian.generate(KeySpec.SYMMETRIC_DEFAULT, 32);
		EncryptedKeyMaterial wrapped = this.custodian.wrapForImport(reference, wrappingKey(),
				spec(WrappingAlgorithm.RSAES_OAEP_SHA_1));
		Path dump = HeapDumps.dump(dir);

		byte[] value = unwrap(wrapped, "SHA-1", MGF1ParameterSpec.SHA1);

		assertThat(value).hasSize(32);
		assertThat(Files.size(dump)).isGreaterThan(1_000_000);
		assertThat(HeapDumps.contains(dump, value)).as("the token's value in a heap dump taken after the wrap")
			.isFalse();
		assertThat(HeapDumps.contains(dump, Arrays.copyOf(wrapped.bytes(), 32))).as("the check finds what is there")
			.isTrue();
	}

	@Test
	void destroyedMaterialIsNotFound() throws Exception {
		CustodyReference reference = this.custodian.generate(KeySpec.SYMMETRIC_DEFAULT, 32);
		this.custodian.destroy(reference);

		assertThatExceptionOfType(CustodyException.class).isThrownBy(
				() -> this.custodian.wrapForImport(reference, wrappingKey(), spec(WrappingAlgorithm.RSAES_OAEP_SHA_1)))
			.satisfies(ex -> assertThat(ex.code()).isEqualTo("custody-material-not-found"));
	}

	@Test
	void privateKeySpecsAreRefusedAsUnsupported() {
		assertThatExceptionOfType(CustodyException.class).isThrownBy(() -> this.custodian.generate(KeySpec.RSA_2048, 0))
			.satisfies(ex -> assertThat(ex.code()).isEqualTo("custody-unsupported"));
	}

	private static WrappingPublicKey wrappingKey() {
		return WrappingPublicKey.fromDer(wrappingKeys.getPublic().getEncoded());
	}

	private static ImportSpec spec(WrappingAlgorithm algorithm) {
		return new ImportSpec(KeySpec.SYMMETRIC_DEFAULT, algorithm, WrappingKeySpec.RSA_2048,
				io.keyport.wrapping.ImportRules.awsRegion("eu-west-1"));
	}

	private static byte[] unwrap(EncryptedKeyMaterial wrapped, String hash, MGF1ParameterSpec mgf) throws Exception {
		Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
		cipher.init(Cipher.DECRYPT_MODE, wrappingKeys.getPrivate(),
				new OAEPParameterSpec(hash, "MGF1", mgf, PSource.PSpecified.DEFAULT));
		return cipher.doFinal(wrapped.bytes());
	}

	private static byte[] random(int length) {
		byte[] bytes = new byte[length];
		new SecureRandom().nextBytes(bytes);
		return bytes;
	}

}
