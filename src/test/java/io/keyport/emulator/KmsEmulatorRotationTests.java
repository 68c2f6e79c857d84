package io.keyport.emulator;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AlgorithmSpec;
import software.amazon.awssdk.services.kms.model.ExpirationModelType;
import software.amazon.awssdk.services.kms.model.GetParametersForImportResponse;
import software.amazon.awssdk.services.kms.model.ImportKeyMaterialRequest;
import software.amazon.awssdk.services.kms.model.ImportKeyMaterialResponse;
import software.amazon.awssdk.services.kms.model.ImportState;
import software.amazon.awssdk.services.kms.model.ImportType;
import software.amazon.awssdk.services.kms.model.IncludeKeyMaterial;
import software.amazon.awssdk.services.kms.model.IncorrectKeyMaterialException;
import software.amazon.awssdk.services.kms.model.KeyMaterialState;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.OriginType;
import software.amazon.awssdk.services.kms.model.RotationType;
import software.amazon.awssdk.services.kms.model.RotationsListEntry;
import software.amazon.awssdk.services.kms.model.UnsupportedOperationException;
import software.amazon.awssdk.services.kms.model.WrappingKeySpec;

import static io.keyport.emulator.EmulatorTestSupport.random;
import static io.keyport.emulator.EmulatorTestSupport.wrap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Several imported materials in one symmetric key through the real AWS SDK: ImportType,
 * KeyMaterialId, RotateKeyOnDemand, ListKeyRotations and per-material expiry.
 */
class KmsEmulatorRotationTests {

	private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

	private static KmsEmulator emulator;

	private static KmsClient kms;

	private final MutableClock clock = new MutableClock(START);

	@BeforeAll
	static void startEmulator() {
		emulator = KmsEmulator.start(0);
		kms = EmulatorTestSupport.client(emulator);
	}

	@AfterAll
	static void stopEmulator() {
		kms.close();
		emulator.close();
	}

	@BeforeEach
	void useTestClock() {
		emulator.setClock(this.clock);
	}

	@AfterEach
	void resetEmulator() {
		emulator.reset();
	}

	@Test
	void newKeyMaterialWaitsPendingRotationUntilRotateKeyOnDemandMakesItCurrent() throws Exception {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT);
		String first = importMaterial(keyId, random(32), expiresIn(Duration.ofDays(30))).keyMaterialId();

		ImportKeyMaterialResponse second = importMaterial(keyId, random(32),
				(request) -> request.importType(ImportType.NEW_KEY_MATERIAL)
					.keyMaterialDescription("second material")
					.expirationModel(ExpirationModelType.KEY_MATERIAL_EXPIRES)
					.validTo(START.plus(Duration.ofDays(60))));

		assertThat(second.keyMaterialId()).matches("[0-9a-f]{64}").isNotEqualTo(first);
		assertThat(kms.describeKey((r) -> r.keyId(keyId)).keyMetadata().currentKeyMaterialId()).isEqualTo(first);
		assertThat(allMaterials(keyId))
			.extracting(RotationsListEntry::keyMaterialId, RotationsListEntry::keyMaterialState,
					RotationsListEntry::importState, RotationsListEntry::validTo)
			.containsExactly(
					org.assertj.core.groups.Tuple.tuple(first, KeyMaterialState.CURRENT, ImportState.IMPORTED,
							START.plus(Duration.ofDays(30))),
					org.assertj.core.groups.Tuple.tuple(second.keyMaterialId(), KeyMaterialState.PENDING_ROTATION,
							ImportState.IMPORTED, START.plus(Duration.ofDays(60))));

		this.clock.advance(Duration.ofHours(1));
		kms.rotateKeyOnDemand((r) -> r.keyId(keyId));

		var metadata = kms.describeKey((r) -> r.keyId(keyId)).keyMetadata();
		assertThat(metadata.currentKeyMaterialId()).isEqualTo(second.keyMaterialId());
		assertThat(metadata.keyState()).isEqualTo(KeyState.ENABLED);
		assertThat(metadata.validTo()).isEqualTo(START.plus(Duration.ofDays(60)));
		List<RotationsListEntry> materials = allMaterials(keyId);
		assertThat(materials).extracting(RotationsListEntry::keyMaterialState)
			.containsExactly(KeyMaterialState.NON_CURRENT, KeyMaterialState.CURRENT);
		assertThat(materials.get(1).rotationDate()).isEqualTo(START.plus(Duration.ofHours(1)));
		assertThat(materials.get(1).rotationType()).isEqualTo(RotationType.ON_DEMAND);
		assertThat(materials.get(1).keyMaterialDescription()).isEqualTo("second material");
		assertThat(kms.listKeyRotations((r) -> r.keyId(keyId)).rotations())
			.extracting(RotationsListEntry::keyMaterialId)
			.containsExactly(second.keyMaterialId());
	}

	@Test
	void rotateKeyOnDemandWithNothingPendingIsInvalidState() throws Exception {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT);
		importMaterial(keyId, random(32), doesNotExpire());

		assertThatExceptionOfType(KmsInvalidStateException.class)
			.isThrownBy(() -> kms.rotateKeyOnDemand((r) -> r.keyId(keyId)))
			.withMessageContaining("no key material pending rotation");
	}

	@Test
	void rotateKeyOnDemandOfKeyPendingImportIsInvalidState() {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT);

		assertThatExceptionOfType(KmsInvalidStateException.class)
			.isThrownBy(() -> kms.rotateKeyOnDemand((r) -> r.keyId(keyId)));
	}

	@Test
	void secondNewMaterialWhileOneIsPendingRotationIsInvalidState() throws Exception {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT);
		importMaterial(keyId, random(32), doesNotExpire());
		importMaterial(keyId, random(32), newMaterial());

		assertThatExceptionOfType(KmsInvalidStateException.class)
			.isThrownBy(() -> importMaterial(keyId, random(32), newMaterial()));
		assertThat(allMaterials(keyId)).hasSize(2);
	}

	@Test
	void newMaterialTheKeyAlreadyHasIsIncorrectKeyMaterial() throws Exception {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT);
		byte[] material = random(32);
		importMaterial(keyId, material, doesNotExpire());

		assertThatExceptionOfType(IncorrectKeyMaterialException.class)
			.isThrownBy(() -> importMaterial(keyId, material, newMaterial()));
	}

	@Test
	void reimportByKeyMaterialIdMustBringThatMaterial() throws Exception {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT);
		byte[] first = random(32);
		byte[] second = random(32);
		String firstId = importMaterial(keyId, first, doesNotExpire()).keyMaterialId();
		String secondId = importMaterial(keyId, second, newMaterial()).keyMaterialId();

		ImportKeyMaterialResponse reimported = importMaterial(keyId, second,
				(request) -> request.importType(ImportType.EXISTING_KEY_MATERIAL)
					.keyMaterialId(secondId)
					.expirationModel(ExpirationModelType.KEY_MATERIAL_EXPIRES)
					.validTo(START.plus(Duration.ofDays(90))));

		assertThat(reimported.keyMaterialId()).isEqualTo(secondId);
		assertThat(allMaterials(keyId).get(1).validTo()).isEqualTo(START.plus(Duration.ofDays(90)));
		assertThatExceptionOfType(IncorrectKeyMaterialException.class).isThrownBy(() -> importMaterial(keyId, first,
				(request) -> request.importType(ImportType.EXISTING_KEY_MATERIAL)
					.keyMaterialId(secondId)
					.expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE)));
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> importMaterial(keyId, random(32),
					(request) -> request.importType(ImportType.NEW_KEY_MATERIAL)
						.keyMaterialId(firstId)
						.expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE)))
			.satisfies((ex) -> assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
	}

	@Test
	void expiredNonCurrentMaterialLeavesWhileTheKeyStaysEnabled() throws Exception {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT);
		importMaterial(keyId, random(32), doesNotExpire());
		String pending = importMaterial(keyId, random(32),
				(request) -> request.importType(ImportType.NEW_KEY_MATERIAL)
					.expirationModel(ExpirationModelType.KEY_MATERIAL_EXPIRES)
					.validTo(START.plus(Duration.ofDays(1))))
			.keyMaterialId();

		this.clock.advance(Duration.ofDays(2));

		assertThat(kms.describeKey((r) -> r.keyId(keyId)).keyMetadata().keyState()).isEqualTo(KeyState.ENABLED);
		RotationsListEntry expired = allMaterials(keyId).get(1);
		assertThat(expired.keyMaterialId()).isEqualTo(pending);
		assertThat(expired.importState()).isEqualTo(ImportState.PENDING_IMPORT);
		assertThat(expired.validTo()).isNull();
		assertThatExceptionOfType(KmsInvalidStateException.class)
			.isThrownBy(() -> kms.rotateKeyOnDemand((r) -> r.keyId(keyId)));
	}

	@Test
	void expiryOfTheCurrentMaterialMakesTheKeyPendingImport() throws Exception {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT);
		importMaterial(keyId, random(32), expiresIn(Duration.ofDays(1)));
		importMaterial(keyId, random(32), newMaterial());

		this.clock.advance(Duration.ofDays(2));

		assertThat(kms.describeKey((r) -> r.keyId(keyId)).keyMetadata().keyState()).isEqualTo(KeyState.PENDING_IMPORT);
		assertThat(allMaterials(keyId)).extracting(RotationsListEntry::importState)
			.containsExactly(ImportState.PENDING_IMPORT, ImportState.IMPORTED);
	}

	@Test
	void deleteImportedKeyMaterialByIdDeletesOnlyThatMaterial() throws Exception {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT);
		importMaterial(keyId, random(32), doesNotExpire());
		String pending = importMaterial(keyId, random(32), newMaterial()).keyMaterialId();

		kms.deleteImportedKeyMaterial((r) -> r.keyId(keyId).keyMaterialId(pending));

		assertThat(kms.describeKey((r) -> r.keyId(keyId)).keyMetadata().keyState()).isEqualTo(KeyState.ENABLED);
		assertThat(allMaterials(keyId).get(1).importState()).isEqualTo(ImportState.PENDING_IMPORT);
	}

	@Test
	void rotationCallsRefuseKeysThatAreNotSymmetricAsUnsupported() {
		String keyId = kms.createKey(
				(r) -> r.origin(OriginType.EXTERNAL).keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsageType.SIGN_VERIFY))
			.keyMetadata()
			.keyId();

		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> kms.rotateKeyOnDemand((r) -> r.keyId(keyId)));
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> kms.listKeyRotations((r) -> r.keyId(keyId)));
	}

	@Test
	void listKeyRotationsPagesWithLimitAndMarker() throws Exception {
		String keyId = createExternalKey(KeySpec.SYMMETRIC_DEFAULT);
		importMaterial(keyId, random(32), doesNotExpire());
		importMaterial(keyId, random(32), newMaterial());

		var page = kms
			.listKeyRotations((r) -> r.keyId(keyId).includeKeyMaterial(IncludeKeyMaterial.ALL_KEY_MATERIAL).limit(1));
		var rest = kms.listKeyRotations((
				r) -> r.keyId(keyId).includeKeyMaterial(IncludeKeyMaterial.ALL_KEY_MATERIAL).marker(page.nextMarker()));

		assertThat(page.truncated()).isTrue();
		assertThat(page.rotations()).extracting(RotationsListEntry::keyMaterialState)
			.containsExactly(KeyMaterialState.CURRENT);
		assertThat(rest.truncated()).isFalse();
		assertThat(rest.rotations()).extracting(RotationsListEntry::keyMaterialState)
			.containsExactly(KeyMaterialState.PENDING_ROTATION);
	}

	private static List<RotationsListEntry> allMaterials(String keyId) {
		return kms.listKeyRotations((r) -> r.keyId(keyId).includeKeyMaterial(IncludeKeyMaterial.ALL_KEY_MATERIAL))
			.rotations();
	}

	private static String createExternalKey(KeySpec spec) {
		return kms.createKey((r) -> r.origin(OriginType.EXTERNAL).keySpec(spec)).keyMetadata().keyId();
	}

	static ImportKeyMaterialResponse importMaterial(KmsClient client, String keyId, byte[] material,
			Consumer<ImportKeyMaterialRequest.Builder> options) throws Exception {
		GetParametersForImportResponse parameters = client.getParametersForImport((r) -> r.keyId(keyId)
			.wrappingAlgorithm(AlgorithmSpec.RSAES_OAEP_SHA_256)
			.wrappingKeySpec(WrappingKeySpec.RSA_2048));
		byte[] wrapped = wrap(AlgorithmSpec.RSAES_OAEP_SHA_256, parameters.publicKey(), material);
		return client.importKeyMaterial((request) -> {
			request.keyId(keyId)
				.importToken(parameters.importToken())
				.encryptedKeyMaterial(SdkBytes.fromByteArray(wrapped));
			options.accept(request);
		});
	}

	private static ImportKeyMaterialResponse importMaterial(String keyId, byte[] material,
			Consumer<ImportKeyMaterialRequest.Builder> options) throws Exception {
		return importMaterial(kms, keyId, material, options);
	}

	private static Consumer<ImportKeyMaterialRequest.Builder> newMaterial() {
		return (request) -> request.importType(ImportType.NEW_KEY_MATERIAL)
			.expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE);
	}

	private static Consumer<ImportKeyMaterialRequest.Builder> doesNotExpire() {
		return (request) -> request.expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE);
	}

	private static Consumer<ImportKeyMaterialRequest.Builder> expiresIn(Duration duration) {
		return (request) -> request.expirationModel(ExpirationModelType.KEY_MATERIAL_EXPIRES)
			.validTo(START.plus(duration));
	}

}
