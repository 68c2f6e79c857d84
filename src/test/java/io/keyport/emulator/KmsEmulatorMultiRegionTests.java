package io.keyport.emulator;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AlgorithmSpec;
import software.amazon.awssdk.services.kms.model.AlreadyExistsException;
import software.amazon.awssdk.services.kms.model.ExpirationModelType;
import software.amazon.awssdk.services.kms.model.ImportType;
import software.amazon.awssdk.services.kms.model.IncorrectKeyMaterialException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.MultiRegionKey;
import software.amazon.awssdk.services.kms.model.MultiRegionKeyType;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.OriginType;
import software.amazon.awssdk.services.kms.model.ReplicateKeyResponse;
import software.amazon.awssdk.services.kms.model.UnsupportedOperationException;
import software.amazon.awssdk.services.kms.model.WrappingKeySpec;

import static io.keyport.emulator.EmulatorTestSupport.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Multi-Region keys through the real AWS SDK: CreateKey MultiRegion, ReplicateKey into
 * other regions of the same emulator account (reached by clients signing for those
 * regions), DescribeKey's MultiRegionConfiguration and replicas that take only the
 * primary's material.
 */
class KmsEmulatorMultiRegionTests {

	private static KmsEmulator emulator;

	private static KmsClient primary;

	private static KmsClient west;

	private static KmsClient europe;

	@BeforeAll
	static void startEmulator() {
		emulator = KmsEmulator.start(0);
		primary = EmulatorTestSupport.client(emulator);
		west = client(Region.US_WEST_2);
		europe = client(Region.EU_WEST_1);
	}

	@AfterAll
	static void stopEmulator() {
		primary.close();
		west.close();
		europe.close();
		emulator.close();
	}

	@AfterEach
	void resetEmulator() {
		emulator.reset();
	}

	@Test
	void multiRegionKeyHasMrkIdAndIsItsOwnPrimary() {
		KeyMetadata created = createMultiRegionKey();

		assertThat(created.keyId()).matches("mrk-[0-9a-f]{32}");
		assertThat(created.multiRegion()).isTrue();
		assertThat(created.multiRegionConfiguration().multiRegionKeyType()).isEqualTo(MultiRegionKeyType.PRIMARY);
		assertThat(created.multiRegionConfiguration().primaryKey().arn()).isEqualTo(created.arn());
		assertThat(created.multiRegionConfiguration().primaryKey().region()).isEqualTo("us-east-1");
		assertThat(created.multiRegionConfiguration().replicaKeys()).isEmpty();
	}

	@Test
	void replicateKeyCreatesReplicasPendingImportInOtherRegions() {
		KeyMetadata created = createMultiRegionKey();

		ReplicateKeyResponse replicated = primary
			.replicateKey((r) -> r.keyId(created.keyId()).replicaRegion("us-west-2").description("west replica"));
		primary.replicateKey((r) -> r.keyId(created.arn()).replicaRegion("eu-west-1"));

		KeyMetadata replica = replicated.replicaKeyMetadata();
		assertThat(replica.keyId()).isEqualTo(created.keyId());
		assertThat(replica.arn()).isEqualTo(created.arn().replace("us-east-1", "us-west-2"));
		assertThat(replica.keyState()).isEqualTo(KeyState.PENDING_IMPORT);
		assertThat(replica.origin()).isEqualTo(OriginType.EXTERNAL);
		assertThat(replica.description()).isEqualTo("west replica");
		assertThat(replica.multiRegionConfiguration().multiRegionKeyType()).isEqualTo(MultiRegionKeyType.REPLICA);
		assertThat(replica.multiRegionConfiguration().primaryKey().arn()).isEqualTo(created.arn());
		assertThat(replicated.replicaPolicy()).contains("kms:*");
		KeyMetadata described = primary.describeKey((r) -> r.keyId(created.keyId())).keyMetadata();
		assertThat(described.multiRegionConfiguration().replicaKeys()).extracting(MultiRegionKey::region)
			.containsExactly("us-west-2", "eu-west-1");
		assertThat(europe.describeKey((r) -> r.keyId(created.keyId())).keyMetadata().arn())
			.isEqualTo(created.arn().replace("us-east-1", "eu-west-1"));
	}

	@Test
	void eachReplicaImportsThePrimarysMaterialWithItsOwnParameters() throws Exception {
		KeyMetadata created = createMultiRegionKey();
		primary.replicateKey((r) -> r.keyId(created.keyId()).replicaRegion("us-west-2"));
		primary.replicateKey((r) -> r.keyId(created.keyId()).replicaRegion("eu-west-1"));
		byte[] material = random(32);

		String primaryMaterialId = KmsEmulatorRotationTests
			.importMaterial(primary, created.keyId(), material, doesNotExpire())
			.keyMaterialId();
		String westMaterialId = KmsEmulatorRotationTests
			.importMaterial(west, created.keyId(), material,
					(request) -> request.importType(ImportType.EXISTING_KEY_MATERIAL)
						.keyMaterialId(primaryMaterialId)
						.expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE))
			.keyMaterialId();

		assertThat(westMaterialId).isEqualTo(primaryMaterialId);
		assertThat(west.describeKey((r) -> r.keyId(created.keyId())).keyMetadata().keyState())
			.isEqualTo(KeyState.ENABLED);
		assertThatExceptionOfType(IncorrectKeyMaterialException.class).isThrownBy(
				() -> KmsEmulatorRotationTests.importMaterial(europe, created.keyId(), random(32), doesNotExpire()));
		assertThat(europe.describeKey((r) -> r.keyId(created.keyId())).keyMetadata().keyState())
			.isEqualTo(KeyState.PENDING_IMPORT);
	}

	@Test
	void replicaRefusesMaterialOtherThanTheFirstImportedIntoAnyMember() throws Exception {
		KeyMetadata created = createMultiRegionKey();
		primary.replicateKey((r) -> r.keyId(created.keyId()).replicaRegion("us-west-2"));
		byte[] material = random(32);
		KmsEmulatorRotationTests.importMaterial(west, created.keyId(), material, doesNotExpire());

		assertThatExceptionOfType(IncorrectKeyMaterialException.class).isThrownBy(
				() -> KmsEmulatorRotationTests.importMaterial(primary, created.keyId(), random(32), doesNotExpire()));
		KmsEmulatorRotationTests.importMaterial(primary, created.keyId(), material, doesNotExpire());
	}

	@Test
	void replicateKeyRefusesSingleRegionKeysReplicasAndTakenRegions() {
		String single = primary.createKey((r) -> r.origin(OriginType.EXTERNAL)).keyMetadata().keyId();
		KeyMetadata created = createMultiRegionKey();
		primary.replicateKey((r) -> r.keyId(created.keyId()).replicaRegion("us-west-2"));

		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> primary.replicateKey((r) -> r.keyId(single).replicaRegion("us-west-2")));
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> west.replicateKey((r) -> r.keyId(created.keyId()).replicaRegion("eu-west-1")));
		assertThatExceptionOfType(AlreadyExistsException.class)
			.isThrownBy(() -> primary.replicateKey((r) -> r.keyId(created.keyId()).replicaRegion("us-west-2")));
		assertThatExceptionOfType(AlreadyExistsException.class)
			.isThrownBy(() -> primary.replicateKey((r) -> r.keyId(created.keyId()).replicaRegion("us-east-1")));
	}

	@Test
	void aKeyOfOneRegionIsNotFoundInAnother() {
		KeyMetadata created = createMultiRegionKey();
		primary.replicateKey((r) -> r.keyId(created.keyId()).replicaRegion("us-west-2"));
		String single = primary.createKey((r) -> r.origin(OriginType.EXTERNAL)).keyMetadata().keyId();

		assertThatExceptionOfType(NotFoundException.class).isThrownBy(() -> west.describeKey((r) -> r.keyId(single)));
	}

	@Test
	void aNewReplicaIsCreatingForTheConfiguredTimeAndTakesOnlyDescribeKeyMeanwhile() throws Exception {
		KeyMetadata created = createMultiRegionKey();
		emulator.setReplicaCreationTime(Duration.ofMillis(800));
		try {
			KeyMetadata replica = primary.replicateKey((r) -> r.keyId(created.keyId()).replicaRegion("eu-west-1"))
				.replicaKeyMetadata();
			assertThat(replica.keyStateAsString()).isEqualTo("Creating");
			try (KmsClient europe = client(Region.EU_WEST_1)) {
				assertThat(europe.describeKey((r) -> r.keyId(created.keyId())).keyMetadata().keyStateAsString())
					.isEqualTo("Creating");
				assertThatExceptionOfType(KmsInvalidStateException.class)
					.isThrownBy(() -> europe.getParametersForImport((r) -> r.keyId(created.keyId())
						.wrappingAlgorithm(AlgorithmSpec.RSAES_OAEP_SHA_256)
						.wrappingKeySpec(WrappingKeySpec.RSA_2048)));
				Thread.sleep(900);
				assertThat(europe.describeKey((r) -> r.keyId(created.keyId())).keyMetadata().keyStateAsString())
					.isEqualTo("PendingImport");
			}
		}
		finally {
			emulator.setReplicaCreationTime(Duration.ZERO);
		}
	}

	@Test
	void aRegionNoReplicaWasPutInIsAKmsOfItsOwnNotTheEmulatorsRegion() {
		String single = primary.createKey((r) -> r.origin(OriginType.EXTERNAL)).keyMetadata().keyId();
		try (KmsClient north = client(Region.EU_NORTH_1)) {
			assertThatExceptionOfType(NotFoundException.class)
				.isThrownBy(() -> north.describeKey((r) -> r.keyId(single)));
			String own = north.createKey((r) -> r.origin(OriginType.EXTERNAL)).keyMetadata().arn();
			assertThat(own).startsWith("arn:aws:kms:eu-north-1:");
		}
	}

	private static KeyMetadata createMultiRegionKey() {
		return primary.createKey((r) -> r.origin(OriginType.EXTERNAL).multiRegion(true)).keyMetadata();
	}

	private static java.util.function.Consumer<software.amazon.awssdk.services.kms.model.ImportKeyMaterialRequest.Builder> doesNotExpire() {
		return (request) -> request.expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE);
	}

	private static KmsClient client(Region region) {
		return KmsClient.builder()
			.endpointOverride(emulator.endpoint())
			.region(region)
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
			.httpClientBuilder(ApacheHttpClient.builder())
			.overrideConfiguration((config) -> config.retryStrategy(AwsRetryStrategy.doNotRetry()))
			.build();
	}

}
