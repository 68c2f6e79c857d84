package io.keyport.kms.huawei;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keyport.kms.KmsTargetSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class HuaweiCredentialsTests {

	private static final String SECRET = "s3cr3t-SK-value-0123456789";

	@TempDir
	Path dir;

	@Test
	void readsTheSdksEnvironmentVariables() {
		HuaweiCredentials credentials = HuaweiCredentials.of("hw", settings(null, null, null),
				Map.of("HUAWEICLOUD_SDK_AK", "AK1", "HUAWEICLOUD_SDK_SK", SECRET, "HUAWEICLOUD_SDK_SECURITY_TOKEN",
						"tok")::get);

		HuaweiCredentials.Credentials current = credentials.current();

		assertThat(current.accessKey()).isEqualTo("AK1");
		assertThat(current.secretKey()).isEqualTo(SECRET.getBytes(StandardCharsets.UTF_8));
		assertThat(current.securityToken()).isEqualTo("tok");
	}

	@Test
	void readsTheTargetsFilesWithoutTheirTrailingNewline() throws IOException {
		Path ak = write("ak", "AK-FROM-FILE\n");
		Path sk = write("sk", SECRET + "\n");

		HuaweiCredentials credentials = HuaweiCredentials.of("hw", settings(ak, sk, null), Map.of("HUAWEICLOUD_SDK_AK",
				"ENV-AK", "HUAWEICLOUD_SDK_SK", "ENV-SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN", "env-token")::get);

		HuaweiCredentials.Credentials current = credentials.current();
		assertThat(current.accessKey()).isEqualTo("AK-FROM-FILE");
		assertThat(current.secretKey()).isEqualTo(SECRET.getBytes(StandardCharsets.UTF_8));
		// the environment's token belongs to the environment's keys
		assertThat(current.securityToken()).isNull();
	}

	@Test
	void aRotatedSecretFileAppliesToTheNextRequest() throws IOException {
		Path ak = write("ak", "AK");
		Path sk = write("sk", SECRET);
		HuaweiCredentials credentials = HuaweiCredentials.of("hw", settings(ak, sk, null), name -> null);
		HuaweiCredentials.Credentials first = credentials.current();
		assertThat(credentials.current()).isSameAs(first);

		Files.writeString(sk, "rotated-secret");
		Files.setLastModifiedTime(sk, FileTime.from(Instant.now().plusSeconds(5)));

		HuaweiCredentials.Credentials second = credentials.current();
		assertThat(second).isNotSameAs(first);
		assertThat(second.secretKey()).isEqualTo("rotated-secret".getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void aSecretFileThatDisappearsKeepsTheLastCredentialsRead() throws IOException {
		Path ak = write("ak", "AK");
		Path sk = write("sk", SECRET);
		HuaweiCredentials credentials = HuaweiCredentials.of("hw", settings(ak, sk, null), name -> null);
		HuaweiCredentials.Credentials first = credentials.current();

		Files.delete(sk);

		assertThat(credentials.current()).isSameAs(first);
	}

	@Test
	void missingCredentialsStopStartupNamingTheTargetThePropertyAndTheVariable() {
		assertThatIllegalStateException()
			.isThrownBy(() -> HuaweiCredentials.of("hw-eu", settings(null, null, null),
					Map.of("HUAWEICLOUD_SDK_AK", "AK")::get))
			.withMessage("Huawei KMS target 'hw-eu' has no secret key (SK): set "
					+ "keyport.kms.targets.hw-eu.secret-key-file or the environment variable HUAWEICLOUD_SDK_SK");
	}

	@Test
	void anUnreadableSecretFileStopsStartupNamingTheFileButNotItsContent() throws IOException {
		Path ak = write("ak", "AK");
		Path missing = this.dir.resolve("missing-sk");

		assertThatIllegalStateException()
			.isThrownBy(() -> HuaweiCredentials.of("hw", settings(ak, missing, null), name -> null))
			.withMessageContaining("keyport.kms.targets.hw.secret-key-file")
			.withMessageContaining(missing.toString());
	}

	@Test
	void theSecretKeyAppearsInNoToString() throws IOException {
		HuaweiCredentials credentials = HuaweiCredentials.of("hw",
				settings(write("ak", "AK"), write("sk", SECRET), write("token", "the-token")), name -> null);

		assertThat(credentials.toString()).doesNotContain(SECRET);
		assertThat(credentials.current().toString()).doesNotContain(SECRET)
			.doesNotContain("the-token")
			.contains("temporary=true");
	}

	private Path write(String name, String content) throws IOException {
		return Files.writeString(this.dir.resolve(name), content);
	}

	private static KmsTargetSettings settings(Path ak, Path sk, Path token) {
		return new KmsTargetSettings("huawei", "ap-southeast-1", null, null, null, "p", ak, sk, token, false, null);
	}

}
