package io.keyport.openapi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.keyport.web.ProblemTitles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's error table says what the API and the document say: one row per code, with
 * the code's statuses and its title.
 */
class ErrorTableTests {

	private static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9-]+)` \\| ([0-9, ]+) \\| ([^|]+) \\| (.+) \\|$");

	@Test
	void everyCodeHasOneRowWithTheDocumentsStatusesAndTheResponsesTitle() throws IOException {
		String readme = Files.readString(Path.of("README.md"));
		String section = readme.substring(readme.indexOf("### Error codes"), readme.indexOf("## Configuration"));
		Map<String, Matcher> rows = new LinkedHashMap<>();
		for (String line : section.lines().filter(l -> l.startsWith("| `")).toList()) {
			Matcher row = ROW.matcher(line);
			assertThat(row.matches()).as("row of code | status | title | meaning: %s", line).isTrue();
			assertThat(rows.put(row.group(1), row)).as("one row for %s", row.group(1)).isNull();
		}
		assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(ProblemCatalog.CODES.keySet());
		rows.forEach((code, row) -> {
			List<Integer> statuses = Arrays.stream(row.group(2).split(", ")).map(Integer::valueOf).toList();
			assertThat(statuses).as("statuses of %s", code).isEqualTo(ProblemCatalog.statuses(code));
			assertThat(row.group(3)).as("title of %s", code).isEqualTo(ProblemTitles.title(code));
		});
	}

}
