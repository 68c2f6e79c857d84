package io.keyport.wrapping;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.Assumptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wycheproof vectors from {@code shared/testvectors} next to the repository ({@code ../shared/testvectors} from its
 * root, as in CI), else from the first parent directory that has {@code shared/testvectors}, else from
 * {@code -Dkeyport.testvectors=...}. Tests skip when none is found.
 */
final class TestVectors {

	static final String PROPERTY = "keyport.testvectors";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private TestVectors() {
	}

	static Path directory() {
		List<Path> candidates = new ArrayList<>();
		String configured = System.getProperty(PROPERTY);
		if (configured != null && !configured.isBlank()) {
			candidates.add(Path.of(configured));
		}
		Path root = Path.of("").toAbsolutePath();
		candidates.add(root.resolve("../shared/testvectors").normalize());
		for (Path dir = root; dir != null; dir = dir.getParent()) {
			candidates.add(dir.resolve("shared/testvectors"));
		}
		return candidates.stream().filter((dir) -> Files.isDirectory(dir.resolve("wycheproof"))).findFirst().orElse(null);
	}

	/** Loads a Wycheproof file, or aborts the calling test (skipped, not failed) when the vectors are absent. */
	static JsonNode wycheproof(String file) {
		Path dir = directory();
		Assumptions.assumeTrue(dir != null, () -> "Wycheproof vectors not found (looked for ../shared/testvectors from "
				+ Path.of("").toAbsolutePath() + ", shared/testvectors in its parents and -D" + PROPERTY
				+ "); skipping " + file);
		Path path = dir.resolve("wycheproof").resolve(file);
		Assumptions.assumeTrue(Files.isRegularFile(path), () -> path + " is missing; skipping");
		return JSON.readTree(path.toFile());
	}

	static Stream<JsonNode> elements(JsonNode array) {
		return StreamSupport.stream(array.spliterator(), false);
	}

	static byte[] hex(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value == null) ? new byte[0] : HexFormat.of().parseHex(value.asString());
	}

}
