package io.keyport;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import io.keyport.testsupport.PlaintextRegistry;
import io.keyport.testsupport.RunLast;
import io.keyport.testsupport.TestInfrastructure;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After the whole suite: none of the plaintext key material the tests imported
 * (symmetric, HMAC, private keys) is in any log line of any context of the run, or in any
 * table of the database they shared, in hex or base64.
 */
@RunLast
class SuiteHygieneTests {

	static final Path LOG = Path.of("target", "test-logs", "keyport-tests.log");

	@Test
	void noImportedPlaintextInAnyLogLineOrTableAfterTheSuite() throws Exception {
		List<byte[]> materials = PlaintextRegistry.materials();
		assertThat(materials).as("plaintext materials sent by this run's tests").hasSizeGreaterThan(10);
		assertThat(LOG).exists();
		String logs = Files.readString(LOG, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
		String tables = dumpEveryTable().toLowerCase(Locale.ROOT);
		assertThat(tables).contains("imported");
		for (byte[] material : materials) {
			for (String form : forms(material)) {
				String needle = form.toLowerCase(Locale.ROOT);
				assertThat(logs.contains(needle))
					.as("a log line holds imported plaintext (" + material.length + " bytes)")
					.isFalse();
				assertThat(tables.contains(needle))
					.as("a table holds imported plaintext (" + material.length + " bytes)")
					.isFalse();
			}
		}
	}

	/**
	 * Hex and base64 (standard and URL-safe) of two windows: the start, and a third of
	 * the way in, which for private keys lies in the secret numbers (the start of a
	 * PKCS#8 key is a header every key shares).
	 */
	static List<String> forms(byte[] material) {
		List<String> forms = new java.util.ArrayList<>();
		for (int from : new int[] { 0, material.length / 3 }) {
			byte[] window = java.util.Arrays.copyOfRange(material, from, Math.min(material.length, from + 48));
			if (window.length < 16) {
				continue;
			}
			String base64 = Base64.getEncoder().withoutPadding().encodeToString(window);
			String base64Url = Base64.getUrlEncoder().withoutPadding().encodeToString(window);
			forms.add(HexFormat.of().formatHex(window));
			forms.add(base64.substring(0, base64.length() - 2));
			forms.add(base64Url.substring(0, base64Url.length() - 2));
		}
		return forms;
	}

	static String dumpEveryTable() {
		SingleConnectionDataSource dataSource = new SingleConnectionDataSource(TestInfrastructure.jdbcUrl(), "postgres",
				"postgres", true);
		try {
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			StringBuilder dump = new StringBuilder();
			for (String table : jdbc.queryForList("select table_name from information_schema.tables "
					+ "where table_schema = 'public' and table_type = 'BASE TABLE'", String.class)) {
				jdbc.queryForList("select row_to_json(t)::text from \"" + table + "\" t", String.class)
					.forEach(row -> dump.append(row).append('\n'));
			}
			return dump.toString();
		}
		finally {
			dataSource.destroy();
		}
	}

}
