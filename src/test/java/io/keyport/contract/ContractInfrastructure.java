package io.keyport.contract;

import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * LocalStack (KMS only) and PostgreSQL in containers, each started on first use and
 * shared by every contract test class of the JVM; Testcontainers' reaper removes them
 * when the JVM exits. Only reached once {@link DockerRequired} found an engine: creating
 * a {@link LocalStackContainer} already asks Docker for its socket path.
 */
final class ContractInfrastructure implements ContractEndpoints {

	static final ContractInfrastructure CONTAINERS = new ContractInfrastructure();

	/**
	 * The same default as docker-compose.yml: the last LocalStack image that starts
	 * without an account. Override with the system property
	 * {@code keyport.contract.localstack-image} or {@code LOCALSTACK_IMAGE} (newer images
	 * also need {@code LOCALSTACK_AUTH_TOKEN}, which is passed on).
	 */
	static final String DEFAULT_LOCALSTACK_IMAGE = "localstack/localstack:4.14.0";

	/** The major version docker-compose.yml runs; Keyport needs PostgreSQL 13+. */
	static final String POSTGRES_IMAGE = "postgres:17";

	private static LocalStackContainer localstack;

	private static PostgreSQLContainer postgres;

	private ContractInfrastructure() {
	}

	static synchronized LocalStackContainer localstack() {
		if (localstack == null) {
			String image = System.getProperty("keyport.contract.localstack-image",
					System.getenv().getOrDefault("LOCALSTACK_IMAGE", DEFAULT_LOCALSTACK_IMAGE));
			LocalStackContainer container = new LocalStackContainer(
					DockerImageName.parse(image).asCompatibleSubstituteFor("localstack/localstack"))
				.withServices("kms")
				.withEnv("EAGER_SERVICE_LOADING", "1");
			String token = System.getenv("LOCALSTACK_AUTH_TOKEN");
			if (token != null && !token.isBlank()) {
				container.withEnv("LOCALSTACK_AUTH_TOKEN", token);
			}
			container.start();
			localstack = container;
		}
		return localstack;
	}

	static synchronized PostgreSQLContainer postgres() {
		if (postgres == null) {
			PostgreSQLContainer container = new PostgreSQLContainer(POSTGRES_IMAGE).withDatabaseName("keyport")
				.withUsername("keyport")
				.withPassword("keyport");
			container.start();
			postgres = container;
		}
		return postgres;
	}

	@Override
	public String jdbcUrl() {
		return postgres().getJdbcUrl();
	}

	@Override
	public String databaseUser() {
		return postgres().getUsername();
	}

	@Override
	public String databasePassword() {
		return postgres().getPassword();
	}

	@Override
	public String kmsEndpoint() {
		return localstack().getEndpoint().toString();
	}

	@Override
	public String kmsRegion() {
		return localstack().getRegion();
	}

}
