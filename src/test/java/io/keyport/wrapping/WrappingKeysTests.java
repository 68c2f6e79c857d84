package io.keyport.wrapping;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.keyport.wrapping.WrappingException.Reason;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WrappingKeysTests {

	@ParameterizedTest
	@EnumSource(value = WrappingKeySpec.class, names = { "RSA_2048", "RSA_3072", "RSA_4096" })
	void rsaSubjectPublicKeyInfoParsesToItsSpec(WrappingKeySpec spec) {
		byte[] der = TestKeys.rsa(spec).getPublic().getEncoded();
		WrappingPublicKey key = WrappingPublicKey.fromDer(der);
		assertThat(key.spec()).isEqualTo(spec);
		assertThat(key.der()).isEqualTo(der);
		assertThat(((RSAPublicKey) key.publicKey()).getModulus().bitLength()).isEqualTo(spec.bits());
		assertThat(key.toString()).isEqualTo("WrappingPublicKey[" + spec + "]");
	}

	@Test
	void parsingCopiesTheInputAndDerReturnsCopies() {
		byte[] der = TestKeys.rsa(WrappingKeySpec.RSA_2048).getPublic().getEncoded();
		byte[] original = der.clone();
		WrappingPublicKey key = WrappingPublicKey.fromDer(der);
		Arrays.fill(der, (byte) 0);
		assertThat(key.der()).isEqualTo(original);
		key.der()[0] = 1;
		assertThat(key.der()).isEqualTo(original);
	}

	@Test
	void sm2SubjectPublicKeyInfoParsesToSm2() {
		byte[] der = TestKeys.ec("sm2p256v1", true).getPublic().getEncoded();
		WrappingPublicKey key = WrappingPublicKey.fromDer(der);
		assertThat(key.spec()).isEqualTo(WrappingKeySpec.SM2);
		assertThat(key.der()).isEqualTo(der);
	}

	@Test
	void rsaKeysOfOtherSizesAreRefusedNamingTheSize() throws Exception {
		for (int bits : new int[] { 1024, 2047, 2049, 8192 }) {
			assertInvalid(rsaPublicKey(bits), bits + "-bit RSA key", "RSA_2048, RSA_3072 or RSA_4096");
		}
	}

	@Test
	void ecKeysOnOtherCurvesAreRefusedNamingTheCurve() {
		assertInvalid(TestKeys.ec("secp256r1", false).getPublic().getEncoded(), "EC key on P-256 (secp256r1)",
				"accepted: RSA_2048");
		assertInvalid(TestKeys.ec("secp384r1", false).getPublic().getEncoded(), "P-384", "SM2");
	}

	@Test
	void otherAlgorithmsAreRefusedNamingTheAlgorithm() throws Exception {
		assertInvalid(KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded(),
				"Ed25519, OID 1.3.101.112", "accepted");
		KeyPairGenerator pss = KeyPairGenerator.getInstance("RSASSA-PSS");
		pss.initialize(2048);
		assertInvalid(pss.generateKeyPair().getPublic().getEncoded(), "RSASSA-PSS", "accepted");
	}

	@Test
	void garbageAndBrokenEncodingsAreRefusedWithoutUncheckedExceptions() {
		byte[] der = TestKeys.rsa(WrappingKeySpec.RSA_2048).getPublic().getEncoded();
		assertInvalid(null, "empty", "accepted");
		assertInvalid(new byte[0], "empty", "accepted");
		assertInvalid("-----BEGIN PUBLIC KEY-----".getBytes(), "not a DER SubjectPublicKeyInfo", "accepted");
		assertInvalid(Arrays.copyOf(der, der.length - 1), "not a DER SubjectPublicKeyInfo", "accepted");
		assertInvalid(Arrays.copyOf(der, der.length + 1), "not a DER SubjectPublicKeyInfo", "accepted");
		assertInvalid(new byte[] { 0x30, 0x00 }, "not a DER SubjectPublicKeyInfo", "accepted");
		assertInvalid(TestKeys.random(294), "", "accepted");
		// every single-byte corruption is either still a key or refused with
		// INVALID_WRAPPING_KEY
		for (int i = 0; i < der.length; i++) {
			byte[] corrupt = der.clone();
			corrupt[i] ^= (byte) (1 + TestKeys.RANDOM.nextInt(255));
			try {
				WrappingPublicKey.fromDer(corrupt);
			}
			catch (WrappingException ex) {
				assertThat(ex.reason()).isEqualTo(Reason.INVALID_WRAPPING_KEY);
			}
		}
	}

	@Test
	void nonMinimalDerIsRefused() {
		byte[] der = TestKeys.rsa(WrappingKeySpec.RSA_2048).getPublic().getEncoded();
		// 30 82 01 22 ... re-encoded with a needless third length byte: valid BER, not
		// DER
		assertThat(der[0]).isEqualTo((byte) 0x30);
		assertThat(der[1]).isEqualTo((byte) 0x82);
		byte[] ber = new byte[der.length + 1];
		ber[0] = 0x30;
		ber[1] = (byte) 0x83;
		ber[2] = 0;
		System.arraycopy(der, 2, ber, 3, der.length - 2);
		assertInvalid(ber, "", "accepted");
	}

	@Test
	void pemHas64ColumnsAndDecodesToTheDer() {
		byte[] der = TestKeys.rsa(WrappingKeySpec.RSA_4096).getPublic().getEncoded();
		String pem = WrappingPublicKey.fromDer(der).pem();
		assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("\n-----END PUBLIC KEY-----\n");
		String[] lines = pem.split("\n");
		for (int i = 1; i < lines.length - 1; i++) {
			assertThat(lines[i].length()).isLessThanOrEqualTo(64);
			if (i < lines.length - 2) {
				assertThat(lines[i]).hasSize(64);
			}
		}
		String body = String.join("", Arrays.copyOfRange(lines, 1, lines.length - 1));
		assertThat(Base64.getDecoder().decode(body)).isEqualTo(der);
		assertThat(pem).doesNotContain("\r");
	}

	@Test
	void checkSpecRefusesAKeyOfAnotherSpecThanRequested() {
		WrappingPublicKey key = TestKeys.wrappingKey(WrappingKeySpec.RSA_2048);
		key.checkSpec(WrappingKeySpec.RSA_2048);
		assertThatThrownBy(() -> key.checkSpec(WrappingKeySpec.RSA_4096))
			.isInstanceOfSatisfying(WrappingException.class, (ex) -> {
				assertThat(ex.reason()).isEqualTo(Reason.WRAPPING_KEY_SPEC_MISMATCH);
				assertThat(ex.getMessage())
					.isEqualTo("expected an RSA_4096 wrapping public key (as requested), got RSA_2048");
			});
	}

	private static byte[] rsaPublicKey(int bits) throws Exception {
		// parsing needs no primes: a random odd modulus of the right length will do
		BigInteger modulus = new BigInteger(bits, TestKeys.RANDOM).setBit(bits - 1).setBit(0);
		return KeyFactory.getInstance("RSA")
			.generatePublic(new RSAPublicKeySpec(modulus, BigInteger.valueOf(65537)))
			.getEncoded();
	}

	private static void assertInvalid(byte[] der, String found, String accepted) {
		assertThatThrownBy(() -> WrappingPublicKey.fromDer(der)).isInstanceOfSatisfying(WrappingException.class,
				(ex) -> {
					assertThat(ex.reason()).isEqualTo(Reason.INVALID_WRAPPING_KEY);
					assertThat(ex.getMessage()).contains(found).contains(accepted);
				});
	}

}
