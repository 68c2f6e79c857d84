package io.keyport.wrapping;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code openssl} command line, the independent reference implementation in
 * tests (shared by packages).
 */
public final class OpenSsl {

	private static Boolean available;

	private OpenSsl() {
	}

	public static synchronized boolean available() {
		if (available == null) {
			try {
				available = start(Path.of("."), "version").waitFor(30, TimeUnit.SECONDS);
			}
			catch (IOException | InterruptedException ex) {
				available = false;
			}
		}
		return available;
	}

	/** Output of a finished command: exit code and stdout and stderr merged. */
	public record Result(int exitCode, String output) {
	}

	public static Process start(Path dir, String... args) throws IOException {
		List<String> command = new ArrayList<>();
		command.add("openssl");
		command.addAll(List.of(args));
		return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
	}

	public static Result finish(Process process, String... args) throws IOException, InterruptedException {
		byte[] output = process.getInputStream().readAllBytes();
		if (!process.waitFor(120, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new AssertionError("openssl " + String.join(" ", args) + " timed out");
		}
		return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
	}

	public static Result tryRun(Path dir, String... args) throws IOException, InterruptedException {
		return finish(start(dir, args), args);
	}

	/** Runs and requires success. */
	public static String run(Path dir, String... args) throws IOException, InterruptedException {
		Result result = tryRun(dir, args);
		if (result.exitCode() != 0) {
			throw new AssertionError(
					"openssl " + String.join(" ", args) + " failed (" + result.exitCode() + "): " + result.output());
		}
		return result.output();
	}

}
