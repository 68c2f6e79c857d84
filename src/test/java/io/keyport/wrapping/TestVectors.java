package io.keyport.wrapping;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wycheproof vectors from {@code shared/testvectors} next to the repository
 * ({@code ../shared/testvectors} from its root, as in CI), else from the first parent
 * directory that has {@code shared/testvectors}, else from
 * {@code -Dkeyport.testvectors=...}. Tests skip when none is found.
 */
public final class TestVectors {

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
		return candidates.stream()
			.filter((dir) -> Files.isDirectory(dir.resolve("wycheproof")))
			.findFirst()
			.orElse(null);
	}

	/**
	 * Loads a Wycheproof file, or aborts the calling test (skipped, not failed) when the
	 * vectors are absent.
	 */
	public static JsonNode wycheproof(String file) {
		Path path = locate(file);
		Assumptions.assumeTrue(path != null, () -> notFound(file));
		return JSON.readTree(path.toFile());
	}

	/**
	 * Dynamic tests from a Wycheproof file; when it is absent, one test that is reported
	 * as skipped with the reason (Surefire does not report an aborted test factory at
	 * all).
	 */
	public static Stream<DynamicNode> dynamicTests(String file,
			Function<JsonNode, Stream<? extends DynamicNode>> tests) {
		Path path = locate(file);
		if (path == null) {
			return Stream.of(DynamicTest.dynamicTest(file + " not found", () -> Assumptions.abort(notFound(file))));
		}
		return tests.apply(JSON.readTree(path.toFile())).map(DynamicNode.class::cast);
	}

	private static Path locate(String file) {
		Path dir = directory();
		Path path = (dir != null) ? dir.resolve("wycheproof").resolve(file) : null;
		return (path != null && Files.isRegularFile(path)) ? path : null;
	}

	private static String notFound(String file) {
		return "Wycheproof vectors not found (looked for ../shared/testvectors/wycheproof/" + file + " from "
				+ Path.of("").toAbsolutePath() + ", for shared/testvectors in its parents and in -D" + PROPERTY
				+ "); skipping";
	}

	public static Stream<JsonNode> elements(JsonNode array) {
		return StreamSupport.stream(array.spliterator(), false);
	}

	public static byte[] hex(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value == null) ? new byte[0] : HexFormat.of().parseHex(value.asString());
	}

}
