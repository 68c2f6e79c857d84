package io.keyport.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's error-code table is the portal teams' list of what Keyport can answer:
 * every problem code written in the main code (found by scanning its string literals, so
 * a new code is covered without touching this test) has a row, and each code has one row.
 */
class ErrorCodesDocTests {

	private static final Path README = Path.of("README.md");

	private static final Pattern KEBAB_LITERAL = Pattern.compile("\"([a-z][a-z0-9]*(?:-[a-z0-9]+)+)\"");

	/**
	 * Kebab-case literals that are not problem codes: property names, Huawei operation
	 * names and headers, region and partition names.
	 */
	private static final Set<String> NOT_CODES = Set.of("external-id", "security-token-file", "secret-key-file",
			"role-arn", "access-key-file", "project-id", "legacy-algorithms", "x-sdk-date", "create-key",
			"describe-key", "list-keys", "get-parameters-for-import", "import-key-material",
			"delete-imported-key-material", "get-publickey", "schedule-key-deletion", "eu-west-101", "aws-cn",
			"uri-reference", "x-problem-codes",
			// retention and lifecycle property names
			"audit-events", "finished-jobs", "job-events", "refresh-margin", "job-lifetime", "expiry-lead-time",
			"drift-check-interval",
			// custody property names and custodian types
			"kms-target", "key-id", "token-label", "pin-file", "key-file", "allow-insecure-local-file", "kms-envelope",
			"local-file");

	/**
	 * Codes that appear only in a job's history or last error, listed below the table.
	 */
	private static final Set<String> JOB_HISTORY_CODES = Set.of("kms-key-pending-deletion", "lifecycle-work-failed",
			"public-key-mismatch",
			// custody failures only a re-import from custody meets (the API's have rows)
			"custody-material-not-found", "custody-integrity-failure", "custody-renewal-failed",
			"other-import-into-key",
			// and only the destroy of an ended job's material
			"custody-release-failed",
			// multi-Region jobs: a job's or a replica's last error
			"replica-import-failed", "replica-needs-upload", "replica-parameters-failed", "replica-material-missing");

	@Test
	void everyProblemCodeInTheCodeHasOneRowInTheReadme() throws IOException {
		String readme = Files.readString(README);
		String section = readme.substring(readme.indexOf("### Error codes"), readme.indexOf("## Configuration"));
		List<String> rowCodes = new ArrayList<>();
		for (String line : section.lines().filter(l -> l.startsWith("| `")).toList()) {
			Matcher code = Pattern.compile("`([a-z0-9-]+)`").matcher(line.substring(0, line.indexOf(" |", 2)));
			while (code.find()) {
				rowCodes.add(code.group(1));
			}
		}
		Set<String> codes = codesInMainCode();
		assertThat(codes).as("codes found by the scan").contains("kms-key-not-found", "unknown-kms-target");
		for (String code : codes) {
			if (JOB_HISTORY_CODES.contains(code)) {
				assertThat(section).as("job history code %s is listed", code).contains("`" + code + "`");
				continue;
			}
			assertThat(rowCodes).as("a row for %s in the README's error codes", code).contains(code);
		}
		// kms-key-not-found has a row for the lookup answer and one for KMS's own word
		assertThat(rowCodes.stream().filter(c -> !c.equals("kms-key-not-found")).toList()).doesNotHaveDuplicates();
	}

	static Set<String> codesInMainCode() throws IOException {
		Set<String> codes = new TreeSet<>();
		try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
			// the document's examples hold sample values (tenants, clients, regions), not
			// codes
			for (Path file : files.filter(f -> f.toString().endsWith(".java"))
				.filter(f -> !f.endsWith(Path.of("openapi", "Examples.java")))
				.toList()) {
				Matcher literal = KEBAB_LITERAL.matcher(Files.readString(file));
				while (literal.find()) {
					if (!NOT_CODES.contains(literal.group(1))) {
						codes.add(literal.group(1));
					}
				}
			}
		}
		return codes;
	}

}
