package io.keyport.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.keyport.emulator.KmsEmulator;
import io.keyport.emulator.MutableClock;
import io.keyport.emulator.huawei.HuaweiKmsEmulator;

/**
 * One Keyport with three KMS targets on the shared database: {@value #AWS_A} (the AWS
 * emulator's default account, the default target), {@value #AWS_B} (another account of
 * the same emulator, reached by assuming {@value #ROLE_B} through the emulator's STS) and
 * {@value #HUAWEI} (the Huawei Cloud KMS emulator, credentials from files). A context of
 * its own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(IntegrationTest.SharedClock.class)
public abstract class MultiTargetIntegrationTest {

	static {
		System.setProperty("aws.accessKeyId", "AKIAKEYPORTTEST");
		System.setProperty("aws.secretAccessKey", "keyport-test-secret");
	}

	public static final String AWS_A = "aws-a";

	public static final String AWS_B = "aws-b";

	public static final String HUAWEI = "huawei";

	public static final String ACCOUNT_B = "222233334444";

	public static final String ROLE_B = "arn:aws:iam::" + ACCOUNT_B + ":role/keyport-import";

	public static final String EXTERNAL_ID_B = "keyport-test-external-id";

	/**
	 * Where the Huawei target's credential files are ({@code huawei-huawei-ak},
	 * {@code huawei-huawei-sk}), as a mounted secret would hold them.
	 */
	protected static Path huaweiCredentials;

	protected final MutableClock clock = TestInfrastructure.CLOCK;

	protected final KmsEmulator aws = TestInfrastructure.emulator();

	protected final HuaweiKmsEmulator huawei = TestInfrastructure.huaweiEmulator();

	@DynamicPropertySource
	static void infrastructure(DynamicPropertyRegistry registry) {
		KmsEmulator aws = TestInfrastructure.emulator();
		aws.trustRole(ROLE_B, EXTERNAL_ID_B);
		Map<String, String> properties = TestInfrastructure.instanceProperties("test-instance-targets", aws);
		properties.put("keyport.kms.aws.sts-endpoint", aws.endpoint().toString());
		properties.put("keyport.kms.default-target", AWS_A);
		for (String target : new String[] { AWS_A, AWS_B }) {
			properties.put("keyport.kms.targets." + target + ".provider", "aws");
			properties.put("keyport.kms.targets." + target + ".region", aws.region());
			properties.put("keyport.kms.targets." + target + ".endpoint", aws.endpoint().toString());
		}
		properties.put("keyport.kms.targets." + AWS_B + ".role-arn", ROLE_B);
		properties.put("keyport.kms.targets." + AWS_B + ".external-id", EXTERNAL_ID_B);
		try {
			huaweiCredentials = Files.createTempDirectory("keyport-huawei-credentials");
			properties.putAll(TestInfrastructure.huaweiEmulator().targetProperties(HUAWEI, huaweiCredentials));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		// no pacing in tests (pacing has its own tests)
		properties.put("keyport.kms.targets." + HUAWEI + ".requests-per-second", "10000");
		IntegrationTest.register(registry, properties);
	}

	@BeforeEach
	void resetEmulators() {
		this.aws.faults().clear();
		this.aws.setParametersValidity(Duration.ofHours(24));
		this.huawei.faults().clear();
		this.huawei.setParametersValidity(Duration.ofHours(24));
		this.clock.set(Instant.ofEpochMilli(System.currentTimeMillis()));
	}

}
