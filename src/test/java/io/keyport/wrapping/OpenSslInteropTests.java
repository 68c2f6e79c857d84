package io.keyport.wrapping;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import javax.crypto.Cipher;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import io.keyport.wrapping.WrappingAlgorithm.Hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * OpenSSL as the independent reference, with the commands AWS documents for "Encrypt the
 * key material": what Keyport wraps, OpenSSL unwraps, and what OpenSSL wraps passes
 * Keyport's checks and unwraps to the original. All keys and files live in a temporary
 * directory.
 */
class OpenSslInteropTests {

	private static final List<WrappingKeySpec> RSA_KEYS = List.of(WrappingKeySpec.RSA_2048, WrappingKeySpec.RSA_3072,
			WrappingKeySpec.RSA_4096);

	/** OpenSSL curve names of the EC key specs, as in the AWS commands. */
	private static final Map<KeySpec, String> CURVES = Map.of(KeySpec.ECC_NIST_P256, "P-256", KeySpec.ECC_NIST_P384,
			"P-384", KeySpec.ECC_NIST_P521, "P-521", KeySpec.ECC_SECG_P256K1, "secp256k1", KeySpec.SM2, "sm2");

	@TempDir
	static Path dir;

	private static final Map<KeySpec, byte[]> privateKeys = new EnumMap<>(KeySpec.class);

	private final WrapCalls wrapper = new WrapCalls();

	@BeforeAll
	static void generateKeysWithOpenSsl() throws Exception {
		assumeTrue(OpenSsl.available(), "openssl is not on the PATH; skipping the OpenSSL interoperability tests");
		// RSA key generation in parallel: RSA-4096 alone takes seconds
		List<Process> rsa = new ArrayList<>();
		for (WrappingKeySpec spec : RSA_KEYS) {
			rsa.add(OpenSsl.start(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:" + spec.bits(),
					"-out", pem(spec)));
		}
		for (Map.Entry<KeySpec, String> curve : CURVES.entrySet()) {
			String name = curve.getKey().name();
			OpenSsl.run(dir, "genpkey", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:" + curve.getValue(), "-out",
					name + ".pem");
			OpenSsl.run(dir, "pkcs8", "-topk8", "-outform", "der", "-nocrypt", "-in", name + ".pem", "-out",
					name + "_PrivateKey.der");
			privateKeys.put(curve.getKey(), Files.readAllBytes(dir.resolve(name + "_PrivateKey.der")));
		}
		for (int i = 0; i < RSA_KEYS.size(); i++) {
			WrappingKeySpec spec = RSA_KEYS.get(i);
			OpenSsl.Result result = OpenSsl.finish(rsa.get(i), "genpkey");
			assertThat(result.exitCode()).as(result.output()).isZero();
			OpenSsl.run(dir, "pkey", "-in", pem(spec), "-pubout", "-outform", "DER", "-out", publicDer(spec));
			OpenSsl.run(dir, "pkcs8", "-topk8", "-outform", "der", "-nocrypt", "-in", pem(spec), "-out",
					spec + "_PrivateKey.der");
			privateKeys.put(KeySpec.valueOf(spec.name()), Files.readAllBytes(dir.resolve(spec + "_PrivateKey.der")));
		}
	}

	static Stream<Arguments> sizesAndHashes() {
		return RSA_KEYS.stream().flatMap((spec) -> Stream.of(Hash.values()).map((hash) -> Arguments.of(spec, hash)));
	}

	@ParameterizedTest
	@MethodSource("sizesAndHashes")
	void keyportOaepOutputDecryptsWithOpenSsl(WrappingKeySpec spec, Hash hash) throws Exception {
		byte[] plaintext = TestKeys.random(32);
		WrappingAlgorithm algorithm = oaep(hash);
		EncryptedKeyMaterial wrapped = this.wrapper.wrap(TestKeys.material(plaintext), KeySpec.SYMMETRIC_DEFAULT,
				wrappingKey(spec), algorithm);
		Path work = workDir("oaep-" + spec + "-" + hash);
		Files.write(work.resolve("EncryptedKeyMaterial.bin"), wrapped.bytes());
		openSslOaepDecrypt(work, spec, hash, "EncryptedKeyMaterial.bin", "decrypted.bin");
		assertThat(Files.readAllBytes(work.resolve("decrypted.bin"))).isEqualTo(plaintext);
	}

	@ParameterizedTest
	@MethodSource("sizesAndHashes")
	void openSslOaepAsAwsDocumentsPassesChecksAndDecryptsToTheMaterial(WrappingKeySpec spec, Hash hash)
			throws Exception {
		Path work = workDir("aws-oaep-" + spec + "-" + hash);
		Files.copy(dir.resolve(publicDer(spec)), work.resolve("WrappingPublicKey.bin"));
		OpenSsl.run(work, "rand", "-out", "PlaintextKeyMaterial.bin", "32");
		// the command from AWS's "Encrypt the key material", with rsa_oaep_md set to the
		// algorithm's hash
		OpenSsl.run(work, "pkeyutl", "-encrypt", "-in", "PlaintextKeyMaterial.bin", "-out", "EncryptedKeyMaterial.bin",
				"-inkey", "WrappingPublicKey.bin", "-keyform", "DER", "-pubin", "-pkeyopt", "rsa_padding_mode:oaep",
				"-pkeyopt", "rsa_oaep_md:" + openSslName(hash));
		byte[] plaintext = Files.readAllBytes(work.resolve("PlaintextKeyMaterial.bin"));
		EncryptedKeyMaterial encrypted = EncryptedKeyMaterial
			.of(Files.readAllBytes(work.resolve("EncryptedKeyMaterial.bin")));

		this.wrapper.checkEncrypted(encrypted, wrappingKey(spec), oaep(hash));
		assertThat(Unwrap.oaep(privateKey(spec), hash, encrypted.bytes())).isEqualTo(plaintext);
	}

	static Stream<Arguments> sizesHashesAndPrivateKeys() {
		return sizesAndHashes().flatMap((arguments) -> Stream
			.of(KeySpec.RSA_2048, KeySpec.RSA_4096, KeySpec.ECC_NIST_P521, KeySpec.ECC_SECG_P256K1)
			.map((keySpec) -> Arguments.of(arguments.get()[0], arguments.get()[1], keySpec)));
	}

	@ParameterizedTest
	@MethodSource("sizesHashesAndPrivateKeys")
	void keyportRsaAesKeyWrapOutputUnwrapsWithOpenSsl(WrappingKeySpec spec, Hash hash, KeySpec keySpec)
			throws Exception {
		byte[] material = privateKeys.get(keySpec);
		WrappingAlgorithm algorithm = rsaAes(hash);
		byte[] wrapped = this.wrapper.wrap(TestKeys.material(material), keySpec, wrappingKey(spec), algorithm).bytes();
		int k = spec.modulusBytes();
		Path work = workDir("rsa-aes-" + spec + "-" + hash + "-" + keySpec);
		Files.write(work.resolve("aes-key-wrapped.bin"), Arrays.copyOf(wrapped, k));
		Files.write(work.resolve("key-material-wrapped.bin"), Arrays.copyOfRange(wrapped, k, wrapped.length));

		openSslOaepDecrypt(work, spec, hash, "aes-key-wrapped.bin", "aes-key.bin");
		byte[] aesKey = Files.readAllBytes(work.resolve("aes-key.bin"));
		assertThat(aesKey).hasSize(32);
		OpenSsl.run(work, "enc", "-d", "-id-aes256-wrap-pad", "-iv", "A65959A6", "-K", HexFormat.of().formatHex(aesKey),
				"-in", "key-material-wrapped.bin", "-out", "PrivateKey.der");
		assertThat(Files.readAllBytes(work.resolve("PrivateKey.der"))).isEqualTo(material);
	}

	@ParameterizedTest
	@MethodSource("sizesAndHashes")
	void openSslRsaAesKeyWrapAsAwsDocumentsPassesChecksAndUnwrapsToTheMaterial(WrappingKeySpec spec, Hash hash)
			throws Exception {
		Path work = workDir("aws-rsa-aes-" + spec + "-" + hash);
		Files.copy(dir.resolve(publicDer(spec)), work.resolve("WrappingPublicKey.bin"));
		Files.write(work.resolve("PrivateKey.der"), privateKeys.get(KeySpec.RSA_3072));
		OpenSsl.run(work, "rand", "-out", "aes-key.bin", "32");
		String aesKeyHex = HexFormat.of().formatHex(Files.readAllBytes(work.resolve("aes-key.bin")));
		OpenSsl.run(work, "enc", "-id-aes256-wrap-pad", "-K", aesKeyHex, "-iv", "A65959A6", "-in", "PrivateKey.der",
				"-out", "key-material-wrapped.bin");
		OpenSsl.run(work, "pkeyutl", "-encrypt", "-in", "aes-key.bin", "-out", "aes-key-wrapped.bin", "-inkey",
				"WrappingPublicKey.bin", "-keyform", "DER", "-pubin", "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt",
				"rsa_oaep_md:" + openSslName(hash), "-pkeyopt", "rsa_mgf1_md:" + openSslName(hash));
		// upload = RSA block ‖ KWP output, as 'cat aes-key-wrapped.bin
		// key-material-wrapped.bin' makes it
		byte[] block = Files.readAllBytes(work.resolve("aes-key-wrapped.bin"));
		byte[] kwp = Files.readAllBytes(work.resolve("key-material-wrapped.bin"));
		byte[] upload = Arrays.copyOf(block, block.length + kwp.length);
		System.arraycopy(kwp, 0, upload, block.length, kwp.length);

		EncryptedKeyMaterial encrypted = EncryptedKeyMaterial.of(upload);
		this.wrapper.checkEncrypted(encrypted, wrappingKey(spec), rsaAes(hash));
		assertThat(Unwrap.rsaAesKeyWrap(privateKey(spec), hash, spec.modulusBytes(), encrypted.bytes()))
			.isEqualTo(privateKeys.get(KeySpec.RSA_3072));
	}

	@Test
	void jdkTransformationStringAloneDoesNotInteroperateWithOpenSslSha256() throws Exception {
		byte[] plaintext = TestKeys.random(32);
		Cipher naive = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
		naive.init(Cipher.ENCRYPT_MODE, wrappingKey(WrappingKeySpec.RSA_2048).publicKey());
		Path work = workDir("naive");
		Files.write(work.resolve("naive.bin"), naive.doFinal(plaintext));
		String privateKey = dir.resolve(pem(WrappingKeySpec.RSA_2048)).toString();
		OpenSsl.Result sha256 = OpenSsl.tryRun(work, "pkeyutl", "-decrypt", "-inkey", privateKey, "-pkeyopt",
				"rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha256", "-in",
				"naive.bin", "-out", "naive-sha256.bin");
		assertThat(sha256.exitCode()).isNotZero();
		// what it really is: SHA-256 label hash with MGF1-SHA-1
		OpenSsl.run(work, "pkeyutl", "-decrypt", "-inkey", privateKey, "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt",
				"rsa_oaep_md:sha256", "-pkeyopt", "rsa_mgf1_md:sha1", "-in", "naive.bin", "-out",
				"naive-mgf1-sha1.bin");
		assertThat(Files.readAllBytes(work.resolve("naive-mgf1-sha1.bin"))).isEqualTo(plaintext);
	}

	@ParameterizedTest
	@EnumSource(value = WrappingKeySpec.class, names = { "RSA_2048", "RSA_3072", "RSA_4096" })
	void pemIsExactlyWhatOpenSslWrites(WrappingKeySpec spec) throws Exception {
		WrappingPublicKey key = wrappingKey(spec);
		assertThat(key.spec()).isEqualTo(spec);
		String openSslPem = OpenSsl.run(dir, "pkey", "-in", pem(spec), "-pubout");
		assertThat(key.pem()).isEqualTo(openSslPem);
		Path work = workDir("pem-" + spec);
		Files.writeString(work.resolve("key.pem"), key.pem());
		OpenSsl.run(work, "pkey", "-pubin", "-in", "key.pem", "-outform", "DER", "-out", "key.der");
		assertThat(Files.readAllBytes(work.resolve("key.der"))).isEqualTo(key.der());
	}

	@Test
	void openSslSm2PublicKeyParsesAsSm2WrappingKey() throws Exception {
		OpenSsl.run(dir, "pkey", "-in", "SM2.pem", "-pubout", "-outform", "DER", "-out", "SM2.pub.der");
		WrappingPublicKey key = WrappingPublicKey.fromDer(Files.readAllBytes(dir.resolve("SM2.pub.der")));
		assertThat(key.spec()).isEqualTo(WrappingKeySpec.SM2);
	}

	@Test
	void openSslPrivateKeysPassMaterialChecksAndHaveTheDocumentedSizes() {
		for (Map.Entry<KeySpec, byte[]> entry : privateKeys.entrySet()) {
			KeySpec keySpec = entry.getKey();
			byte[] der = entry.getValue();
			this.wrapper.checkMaterial(TestKeys.material(der), keySpec);
			int documented = AwsImportRules.of(Partition.STANDARD).typicalLength(keySpec);
			if (keySpec.kind() == KeySpec.Kind.RSA) {
				// leading zero bytes of the integers make RSA sizes vary by a few bytes
				assertThat(der.length).as(keySpec.name()).isBetween(documented - 6, documented + 6);
			}
			else {
				assertThat(der.length).as(keySpec.name()).isEqualTo(documented);
			}
		}
		assertThat(privateKeys).hasSize(8);
	}

	@Test
	void largestEcKeyThatFitsRsa2048OaepSha256DecryptsWithOpenSsl() throws Exception {
		byte[] p384 = privateKeys.get(KeySpec.ECC_NIST_P384);
		byte[] wrapped = this.wrapper
			.wrap(TestKeys.material(p384), KeySpec.ECC_NIST_P384, wrappingKey(WrappingKeySpec.RSA_2048),
					WrappingAlgorithm.RSAES_OAEP_SHA_256)
			.bytes();
		Path work = workDir("p384");
		Files.write(work.resolve("EncryptedKeyMaterial.bin"), wrapped);
		openSslOaepDecrypt(work, WrappingKeySpec.RSA_2048, Hash.SHA_256, "EncryptedKeyMaterial.bin", "p384.der");
		assertThat(Files.readAllBytes(work.resolve("p384.der"))).isEqualTo(p384);
	}

	static Stream<KeySpec> privateKeySpecs() {
		return Stream.of(KeySpec.RSA_2048, KeySpec.RSA_3072, KeySpec.RSA_4096, KeySpec.ECC_NIST_P256,
				KeySpec.ECC_NIST_P384, KeySpec.ECC_NIST_P521, KeySpec.ECC_SECG_P256K1, KeySpec.SM2);
	}

	/**
	 * Every form OpenSSL writes a private key in becomes exactly what 'openssl pkcs8
	 * -topk8 -outform der' makes.
	 */
	@ParameterizedTest
	@MethodSource("privateKeySpecs")
	void everyFormOpenSslWritesBecomesTheDerPkcs8OfOpenSslPkcs8Topk8(KeySpec keySpec) throws Exception {
		Path work = workDir("forms-" + keySpec);
		String source = sourcePem(keySpec);
		List<String> forms = new ArrayList<>(List.of(source));
		OpenSsl.run(work, "pkey", "-in", source, "-outform", "DER", "-out", "pkcs8.der");
		forms.add(work.resolve("pkcs8.der").toString());
		if (keySpec != KeySpec.SM2) {
			// OpenSSL 3.0 writes no traditional (SEC1) form of SM2 keys
			OpenSsl.run(work, "pkey", "-in", source, "-traditional", "-out", "traditional.pem");
			OpenSsl.run(work, "pkey", "-in", source, "-traditional", "-outform", "DER", "-out", "traditional.der");
			forms.add(work.resolve("traditional.pem").toString());
			forms.add(work.resolve("traditional.der").toString());
			assertThat(Files.readString(work.resolve("traditional.pem"))).startsWith(keySpec.kind() == KeySpec.Kind.RSA
					? "-----BEGIN RSA PRIVATE KEY-----" : "-----BEGIN EC PRIVATE KEY-----");
		}
		byte[] expected = privateKeys.get(keySpec);
		for (String form : forms) {
			byte[] input = Files.readAllBytes(dir.resolve(form));
			try (KeyMaterial material = TestKeys.material(input);
					KeyMaterial converted = this.wrapper.toImportFormat(material, keySpec)) {
				assertThat(converted.bytes()).as("%s from %s", keySpec, form).isEqualTo(expected);
			}
		}
	}

	@ParameterizedTest
	@CsvSource({ "ECC_NIST_P256, secp256r1", "ECC_NIST_P384, secp384r1", "ECC_NIST_P521, secp521r1",
			"ECC_SECG_P256K1, secp256k1", "SM2, sm2p256v1" })
	void bouncyCastlePkcs8BecomesWhatOpenSslMakesOfIt(KeySpec keySpec, String curve) throws Exception {
		Path work = workDir("bc-" + keySpec);
		byte[] bc = TestKeys.ec(curve, true).getPrivate().getEncoded();
		Files.write(work.resolve("bc.der"), bc);
		OpenSsl.run(work, "pkcs8", "-topk8", "-nocrypt", "-inform", "DER", "-in", "bc.der", "-outform", "DER", "-out",
				"openssl.der");
		assertThat(this.wrapper.toImportFormat(TestKeys.material(bc), keySpec).bytes())
			.isEqualTo(Files.readAllBytes(work.resolve("openssl.der")));
	}

	@Test
	void ecparamGenkeyOutputWithItsParametersBlockBecomesTheSamePkcs8() throws Exception {
		Path work = workDir("ecparam");
		OpenSsl.run(work, "ecparam", "-name", "secp384r1", "-genkey", "-out", "ecparam.pem");
		OpenSsl.run(work, "pkcs8", "-topk8", "-outform", "der", "-nocrypt", "-in", "ecparam.pem", "-out", "key.der");
		byte[] converted = this.wrapper
			.toImportFormat(TestKeys.material(Files.readAllBytes(work.resolve("ecparam.pem"))), KeySpec.ECC_NIST_P384)
			.bytes();
		assertThat(converted).isEqualTo(Files.readAllBytes(work.resolve("key.der")));
	}

	/**
	 * What KMS's GetPublicKey will return after the import, as 'openssl pkey -pubout
	 * -outform DER' derives it.
	 */
	@ParameterizedTest
	@MethodSource("privateKeySpecs")
	void derivedPublicKeyIsWhatOpenSslDerives(KeySpec keySpec) throws Exception {
		Path work = workDir("pubout-" + keySpec);
		OpenSsl.run(work, "pkey", "-in", sourcePem(keySpec), "-pubout", "-outform", "DER", "-out", "public.der");
		byte[] derived = this.wrapper.derivePublicKey(TestKeys.material(privateKeys.get(keySpec)), keySpec);
		assertThat(derived).isEqualTo(Files.readAllBytes(work.resolve("public.der")));
		assertThat(PublicKeyFormats.pem(derived))
			.isEqualTo(OpenSsl.run(work, "pkey", "-in", sourcePem(keySpec), "-pubout"));
	}

	@Test
	void passphraseProtectedKeysFromOpenSslAreRefusedWithHowToDecrypt() throws Exception {
		Path work = workDir("encrypted");
		String source = sourcePem(KeySpec.ECC_NIST_P256);
		OpenSsl.run(work, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-passout", "pass:keyport", "-in", source, "-out",
				"pkcs8-encrypted.pem");
		OpenSsl.run(work, "ec", "-aes256", "-passout", "pass:keyport", "-in", source, "-out", "sec1-encrypted.pem");
		for (String file : List.of("pkcs8-encrypted.pem", "sec1-encrypted.pem")) {
			byte[] input = Files.readAllBytes(work.resolve(file));
			assertThatThrownBy(() -> this.wrapper.toImportFormat(TestKeys.material(input), KeySpec.ECC_NIST_P256))
				.as(file)
				.isInstanceOfSatisfying(WrappingException.class,
						(ex) -> assertThat(ex.getMessage()).contains("KMS needs an unencrypted private key"));
		}
	}

	/**
	 * A PEM private key, converted, wrapped with RSA_AES_KEY_WRAP and unwrapped by
	 * OpenSSL, is OpenSSL's PKCS#8.
	 */
	@ParameterizedTest
	@MethodSource("privateKeySpecs")
	void pemPrivateKeyWrappedByKeyportUnwrapsWithOpenSslToItsPkcs8(KeySpec keySpec) throws Exception {
		Partition partition = (keySpec == KeySpec.SM2) ? Partition.CHINA : Partition.STANDARD;
		WrappingAlgorithm algorithm = (keySpec.kind() == KeySpec.Kind.RSA) ? WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256
				: WrappingAlgorithm.RSAES_OAEP_SHA_256;
		WrappingKeySpec spec = WrappingKeySpec.RSA_3072;
		byte[] wrapped;
		try (KeyMaterial pem = TestKeys.material(Files.readAllBytes(dir.resolve(sourcePem(keySpec))));
				KeyMaterial importable = this.wrapper.toImportFormat(pem, keySpec)) {
			wrapped = this.wrapper.wrap(importable, keySpec, wrappingKey(spec), algorithm, partition).bytes();
		}
		Path work = workDir("pem-wrap-" + keySpec);
		if (algorithm.isAesKeyWrap()) {
			int k = spec.modulusBytes();
			Files.write(work.resolve("aes-key-wrapped.bin"), Arrays.copyOf(wrapped, k));
			Files.write(work.resolve("key-material-wrapped.bin"), Arrays.copyOfRange(wrapped, k, wrapped.length));
			openSslOaepDecrypt(work, spec, Hash.SHA_256, "aes-key-wrapped.bin", "aes-key.bin");
			OpenSsl.run(work, "enc", "-d", "-id-aes256-wrap-pad", "-iv", "A65959A6", "-K",
					HexFormat.of().formatHex(Files.readAllBytes(work.resolve("aes-key.bin"))), "-in",
					"key-material-wrapped.bin", "-out", "PrivateKey.der");
		}
		else {
			Files.write(work.resolve("EncryptedKeyMaterial.bin"), wrapped);
			openSslOaepDecrypt(work, spec, Hash.SHA_256, "EncryptedKeyMaterial.bin", "PrivateKey.der");
		}
		assertThat(Files.readAllBytes(work.resolve("PrivateKey.der"))).isEqualTo(privateKeys.get(keySpec));
	}

	/**
	 * The PEM file each private key was generated as ('openssl genpkey'), as an absolute
	 * path.
	 */
	private static String sourcePem(KeySpec keySpec) {
		String name = (keySpec.kind() == KeySpec.Kind.RSA) ? pem(WrappingKeySpec.valueOf(keySpec.name()))
				: keySpec.name() + ".pem";
		return dir.resolve(name).toString();
	}

	private static void openSslOaepDecrypt(Path work, WrappingKeySpec spec, Hash hash, String in, String out)
			throws IOException, InterruptedException {
		OpenSsl.run(work, "pkeyutl", "-decrypt", "-inkey", dir.resolve(pem(spec)).toString(), "-pkeyopt",
				"rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:" + openSslName(hash), "-pkeyopt",
				"rsa_mgf1_md:" + openSslName(hash), "-in", in, "-out", out);
	}

	private static WrappingPublicKey wrappingKey(WrappingKeySpec spec) throws IOException {
		return WrappingPublicKey.fromDer(Files.readAllBytes(dir.resolve(publicDer(spec))));
	}

	private static PrivateKey privateKey(WrappingKeySpec spec) throws Exception {
		return TestKeys.rsaPrivateKey(privateKeys.get(KeySpec.valueOf(spec.name())));
	}

	private static Path workDir(String name) throws IOException {
		return Files.createDirectories(dir.resolve(name));
	}

	private static String pem(WrappingKeySpec spec) {
		return "wrapping-" + spec + ".pem";
	}

	private static String publicDer(WrappingKeySpec spec) {
		return "wrapping-" + spec + ".pub.der";
	}

	private static String openSslName(Hash hash) {
		return hash.jcaName().replace("-", "").toLowerCase(Locale.ROOT);
	}

	private static WrappingAlgorithm oaep(Hash hash) {
		return (hash == Hash.SHA_1) ? WrappingAlgorithm.RSAES_OAEP_SHA_1 : WrappingAlgorithm.RSAES_OAEP_SHA_256;
	}

	private static WrappingAlgorithm rsaAes(Hash hash) {
		return (hash == Hash.SHA_1) ? WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_1
				: WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256;
	}

}
