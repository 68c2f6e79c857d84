package io.keyport.contract;

import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestContextManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs without Docker: the contract tests' properties, registered after the shared ones,
 * really replace the embedded PostgreSQL and the emulator in the environment Spring
 * builds. Otherwise a contract run could silently test the emulator again.
 */
class ContractWiringTests {

	static final ContractEndpoints FIXED = new ContractEndpoints() {

		@Override
		public String jdbcUrl() {
			return "jdbc:postgresql://postgres.container:5432/keyport";
		}

		@Override
		public String databaseUser() {
			return "keyport";
		}

		@Override
		public String databasePassword() {
			return "keyport-container";
		}

		@Override
		public String kmsEndpoint() {
			return "http://localstack.container:4566";
		}

		@Override
		public String kmsRegion() {
			return "us-east-1";
		}

	};

	@Test
	void containersReplaceTheEmbeddedDatabaseAndTheEmulatorAndTheSharedSettingsStay() throws Exception {
		Environment environment = new TestContextManager(Wiring.class).getTestContext()
			.getApplicationContext()
			.getEnvironment();

		assertThat(environment.getProperty("spring.datasource.url")).isEqualTo(FIXED.jdbcUrl());
		assertThat(environment.getProperty("spring.datasource.username")).isEqualTo(FIXED.databaseUser());
		assertThat(environment.getProperty("spring.datasource.password")).isEqualTo(FIXED.databasePassword());
		assertThat(environment.getProperty("keyport.kms.aws.endpoint")).isEqualTo(FIXED.kmsEndpoint());
		assertThat(environment.getProperty("keyport.kms.aws.region")).isEqualTo(FIXED.kmsRegion());
		// from IntegrationTest.common: tests drive the lifecycle, the SDK does not retry,
		// tokens come from the issuer
		assertThat(environment.getProperty("keyport.lifecycle.enabled")).isEqualTo("false");
		assertThat(environment.getProperty("keyport.kms.aws.max-attempts")).isEqualTo("1");
		assertThat(environment.containsProperty("spring.security.oauth2.resourceserver.jwt.issuer-uri")).isTrue();
	}

	/** A context with nothing in it but the contract tests' dynamic properties. */
	@ContextConfiguration(classes = Wiring.Empty.class)
	static class Wiring {

		@DynamicPropertySource
		static void properties(DynamicPropertyRegistry registry) {
			LocalStackContractTest.register(registry, FIXED);
		}

		@Configuration(proxyBeanMethods = false)
		static class Empty {

		}

	}

}
