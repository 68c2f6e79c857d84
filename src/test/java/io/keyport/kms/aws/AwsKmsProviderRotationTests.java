package io.keyport.kms.aws;

import java.security.KeyFactory;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

import io.keyport.emulator.KmsEmulator;
import io.keyport.kms.CreateKeyRequest;
import io.keyport.kms.ExpirationModel;
import io.keyport.kms.ImportParameters;
import io.keyport.kms.ImportRequest;
import io.keyport.kms.ImportResult;
import io.keyport.kms.ImportType;
import io.keyport.kms.KeyMaterialVersion;
import io.keyport.kms.KeyState;
import io.keyport.kms.KeyUsage;
import io.keyport.kms.KmsErrorCode;
import io.keyport.kms.KmsException;
import io.keyport.kms.KmsKey;
import io.keyport.kms.MultiRegionConfiguration;
import io.keyport.wrapping.EncryptedKeyMaterial;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The AWS adapter's rotation and multi-Region calls against the KMS emulator over HTTP:
 * two materials in one key rotated on demand, and a multi-Region primary with two
 * replicas, each imported with the same material through the adapter of its region.
 */
class AwsKmsProviderRotationTests {

	private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

	private static KmsEmulator emulator;

	private static final List<KmsClient> clients = new java.util.ArrayList<>();

	private static AwsKmsProvider east;

	private static AwsKmsProvider west;

	private static AwsKmsProvider europe;

	@BeforeAll
	static void startEmulator() {
		emulator = KmsEmulator.start(0);
		east = provider(Region.US_EAST_1);
		west = provider(Region.US_WEST_2);
		europe = provider(Region.EU_WEST_1);
	}

	@AfterAll
	static void stopEmulator() {
		clients.forEach(KmsClient::close);
		emulator.close();
	}

	@AfterEach
	void resetEmulator() {
		emulator.reset();
	}

	@Test
	void twoMaterialsInOneKeyRotateOnDemandEachWithItsOwnValidTo() throws Exception {
		assertThat(east.supportsRotation()).isTrue();
		KmsKey key = east.createExternalKey(symmetricKey());
		Instant firstValidTo = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);
		Instant secondValidTo = Instant.now().plus(Duration.ofDays(60)).truncatedTo(ChronoUnit.SECONDS);
		ImportResult first = importMaterial(east, key.keyId(), random(), firstValidTo, null);
		ImportResult second = importMaterial(east, key.keyId(), random(), secondValidTo, ImportType.NEW_KEY_MATERIAL);

		List<KeyMaterialVersion> before = east.listKeyMaterials(key.keyId());
		assertThat(before)
			.extracting(KeyMaterialVersion::keyMaterialId, KeyMaterialVersion::state, KeyMaterialVersion::validTo)
			.containsExactly(
					org.assertj.core.groups.Tuple.tuple(first.keyMaterialId(), KeyMaterialVersion.State.CURRENT,
							firstValidTo),
					org.assertj.core.groups.Tuple.tuple(second.keyMaterialId(),
							KeyMaterialVersion.State.PENDING_ROTATION, secondValidTo));
		assertThat(before).allSatisfy((material) -> {
			assertThat(material.imported()).isTrue();
			assertThat(material.expirationModel()).isEqualTo(ExpirationModel.KEY_MATERIAL_EXPIRES);
		});
		assertThat(east.describeKey(key.keyId()).currentKeyMaterialId()).isEqualTo(first.keyMaterialId());

		east.rotateOnDemand(key.keyId());

		KmsKey rotated = east.describeKey(key.keyId());
		assertThat(rotated.currentKeyMaterialId()).isEqualTo(second.keyMaterialId());
		assertThat(rotated.validTo()).isEqualTo(secondValidTo);
		assertThat(rotated.state()).isEqualTo(KeyState.ENABLED);
		List<KeyMaterialVersion> after = east.listKeyMaterials(key.keyId());
		assertThat(after).extracting(KeyMaterialVersion::state, KeyMaterialVersion::validTo)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(KeyMaterialVersion.State.NON_CURRENT, firstValidTo),
					org.assertj.core.groups.Tuple.tuple(KeyMaterialVersion.State.CURRENT, secondValidTo));
		assertThat(after.get(1).rotationType()).isEqualTo(KeyMaterialVersion.RotationType.ON_DEMAND);
		assertThat(after.get(1).rotationDate()).isNotNull();
	}

	@Test
	void rotateOnDemandWithNothingPendingIsInvalidKeyState() throws Exception {
		KmsKey key = east.createExternalKey(symmetricKey());
		importMaterial(east, key.keyId(), random(), null, null);

		assertThatExceptionOfType(KmsException.class).isThrownBy(() -> east.rotateOnDemand(key.keyId()))
			.satisfies((ex) -> {
				assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.INVALID_KEY_STATE);
				assertThat(ex.operation()).isEqualTo("RotateKeyOnDemand");
			});
	}

	@Test
	void multiRegionPrimaryAndTwoReplicasTakeTheSameMaterialEachThroughItsRegion() throws Exception {
		assertThat(east.supportsMultiRegion()).isTrue();
		KmsKey primary = east.createExternalKey(symmetricKey().asMultiRegion());
		assertThat(primary.keyId()).startsWith("mrk-");
		assertThat(primary.multiRegion().role()).isEqualTo(MultiRegionConfiguration.Role.PRIMARY);

		KmsKey westReplica = east.replicateKey(primary.keyId(), "us-west-2");
		KmsKey europeReplica = east.replicateKey(primary.arn(), "eu-west-1");

		assertThat(westReplica.arn()).contains(":us-west-2:").endsWith(primary.keyId());
		assertThat(westReplica.state()).isEqualTo(KeyState.PENDING_IMPORT);
		assertThat(westReplica.multiRegion().role()).isEqualTo(MultiRegionConfiguration.Role.REPLICA);
		assertThat(westReplica.multiRegion().primary().arn()).isEqualTo(primary.arn());
		byte[] material = random();
		ImportResult intoPrimary = importMaterial(east, primary.keyId(), material, null, null);
		ImportResult intoWest = importMaterial(west, westReplica.arn(), material, null,
				ImportType.EXISTING_KEY_MATERIAL);
		assertThatExceptionOfType(KmsException.class)
			.isThrownBy(() -> importMaterial(europe, europeReplica.arn(), random(), null, null))
			.satisfies((ex) -> assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.INCORRECT_KEY_MATERIAL));
		assertThat(europe.describeKey(europeReplica.arn()).state()).isEqualTo(KeyState.PENDING_IMPORT);
		ImportResult intoEurope = importMaterial(europe, europeReplica.arn(), material, null, null);

		assertThat(List.of(intoWest.keyMaterialId(), intoEurope.keyMaterialId()))
			.containsOnly(intoPrimary.keyMaterialId());
		assertThat(List.of(east.describeKey(primary.keyId()), west.describeKey(westReplica.arn()),
				europe.describeKey(europeReplica.arn())))
			.extracting(KmsKey::state)
			.containsOnly(KeyState.ENABLED);
		assertThat(east.describeKey(primary.keyId()).multiRegion().replicas())
			.extracting(MultiRegionConfiguration.RegionalKey::region)
			.containsExactly("us-west-2", "eu-west-1");
	}

	@Test
	void replicatingASingleRegionKeyIsUnsupportedAndATakenRegionAlreadyExists() {
		KmsKey single = east.createExternalKey(symmetricKey());
		KmsKey primary = east.createExternalKey(symmetricKey().asMultiRegion());
		east.replicateKey(primary.keyId(), "us-west-2");

		assertThatExceptionOfType(KmsException.class).isThrownBy(() -> east.replicateKey(single.keyId(), "us-west-2"))
			.satisfies((ex) -> assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.UNSUPPORTED_OPERATION));
		assertThatExceptionOfType(KmsException.class).isThrownBy(() -> east.replicateKey(primary.keyId(), "us-west-2"))
			.satisfies((ex) -> assertThat(ex.errorCode()).isEqualTo(KmsErrorCode.ALREADY_EXISTS));
	}

	private static CreateKeyRequest symmetricKey() {
		return new CreateKeyRequest(KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT, "rotation test", null);
	}

	/** Wraps with plain JDK RSA-OAEP SHA-256 (MGF1 SHA-256), as AWS specifies. */
	private static ImportResult importMaterial(AwsKmsProvider provider, String keyId, byte[] material, Instant validTo,
			ImportType importType) throws Exception {
		ImportParameters parameters = provider.getParametersForImport(keyId, WrappingAlgorithm.RSAES_OAEP_SHA_256,
				WrappingKeySpec.RSA_2048);
		Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
		oaep.init(Cipher.ENCRYPT_MODE,
				KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(parameters.publicKeyDer())),
				new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
		// test material, imported again into replicas: not zeroed here
		byte[] wrapped = oaep.doFinal(material);
		ExpirationModel model = (validTo != null) ? ExpirationModel.KEY_MATERIAL_EXPIRES
				: ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE;
		return provider.importKeyMaterial(
				new ImportRequest(keyId, parameters.importToken(), EncryptedKeyMaterial.of(wrapped), model, validTo,
						KeySpec.SYMMETRIC_DEFAULT, WrappingAlgorithm.RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_2048)
					.withMaterial(importType, null, null));
	}

	private static byte[] random() {
		byte[] material = new byte[32];
		RANDOM.nextBytes(material);
		return material;
	}

	private static AwsKmsProvider provider(Region region) {
		KmsClient client = KmsClient.builder()
			.endpointOverride(emulator.endpoint())
			.region(region)
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
			.overrideConfiguration((config) -> config.retryStrategy(AwsRetryStrategy.doNotRetry()))
			.build();
		clients.add(client);
		return new AwsKmsProvider(client);
	}

}
