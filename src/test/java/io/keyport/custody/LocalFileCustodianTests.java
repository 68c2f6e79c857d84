package io.keyport.custody;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The local-file custodian is for local runs and tests only: without its explicit flag
 * startup is refused, and the packaged defaults configure no custodian.
 */
class LocalFileCustodianTests {

	@Test
	void localFileCustodianIsRefusedWithoutTheInsecureLocalFileFlag(@TempDir Path dir) throws Exception {
		Path key = Files.write(dir.resolve("custody.key"), new byte[32]);
		CustodianSettings settings = new CustodianSettings("local-file", null, null, null, null, null, key, false);

		assertThatIllegalStateException()
			.isThrownBy(() -> new CustodianFactory(null, null, null).create("dev", settings))
			.withMessageContaining("keyport.custody.dev.allow-insecure-local-file=true")
			.withMessageContaining("never in production");
	}

	@Test
	void localFileCustodianStartsWithTheFlagAndA32ByteKey(@TempDir Path dir) throws Exception {
		Path key = Files.write(dir.resolve("custody.key"), new byte[32]);
		CustodianSettings settings = new CustodianSettings("local-file", null, null, null, null, null, key, true);

		assertThat(new CustodianFactory(null, null, null).create("dev", settings).type()).isEqualTo("local-file");
	}

	@Test
	void packagedDefaultsConfigureNoCustodian() throws Exception {
		String defaults = Files.readString(Path.of("src/main/resources/application.yml"));

		assertThat(defaults).doesNotContain("allow-insecure-local-file").doesNotContain("custody:");
	}

}
