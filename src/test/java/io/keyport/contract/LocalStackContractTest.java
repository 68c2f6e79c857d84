package io.keyport.contract;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.TestInfrastructure;

/**
 * Base of the LocalStack contract tests: the whole application on a random port, as in
 * {@link IntegrationTest}, but on PostgreSQL and LocalStack in containers instead of the
 * embedded PostgreSQL and the KMS emulator, and on the real clock (LocalStack has its
 * own). Skipped with a message where no Docker engine runs ({@link DockerRequired}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(DockerRequired.class)
abstract class LocalStackContractTest {

	static {
		// the same values IntegrationTest gives the SDK's default chain, which both
		// Keyport and this test's own client
		// read: LocalStack derives the account from the access key, so both must see the
		// same one
		System.setProperty("aws.accessKeyId", "AKIAKEYPORTTEST");
		System.setProperty("aws.secretAccessKey", "keyport-test-secret");
	}

	/**
	 * LocalStack as a client next to Keyport sees it: to create keys Keyport must not,
	 * and to check what it did.
	 */
	static KmsClient kms;

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	ApiClient api;

	@DynamicPropertySource
	static void containers(DynamicPropertyRegistry registry) {
		register(registry, ContractInfrastructure.CONTAINERS);
	}

	/**
	 * The settings every test context shares, then the containers in place of the
	 * embedded database and emulator.
	 */
	static void register(DynamicPropertyRegistry registry, ContractEndpoints endpoints) {
		IntegrationTest.register(registry,
				TestInfrastructure.instanceProperties("contract-instance", TestInfrastructure.emulator()));
		// a later registration of a name replaces the earlier one (ContractWiringTests
		// holds Spring to that)
		registry.add("spring.datasource.url", endpoints::jdbcUrl);
		registry.add("spring.datasource.username", endpoints::databaseUser);
		registry.add("spring.datasource.password", endpoints::databasePassword);
		registry.add("keyport.kms.aws.endpoint", endpoints::kmsEndpoint);
		registry.add("keyport.kms.aws.region", endpoints::kmsRegion);
	}

	@BeforeAll
	static void localStackClient() {
		kms = KmsClient.builder()
			.endpointOverride(java.net.URI.create(ContractInfrastructure.CONTAINERS.kmsEndpoint()))
			.region(Region.of(ContractInfrastructure.CONTAINERS.kmsRegion()))
			.credentialsProvider(DefaultCredentialsProvider.builder().build())
			.build();
	}

	@AfterAll
	static void closeLocalStackClient() {
		if (kms != null) {
			kms.close();
			kms = null;
		}
	}

	@BeforeEach
	void apiClient() {
		// acts as platform A (tenant-a) with a token from the local authorization server
		this.api = new ApiClient(this.port);
	}

}
