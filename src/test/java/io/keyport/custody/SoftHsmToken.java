package io.keyport.custody;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A SoftHSM2 token for the PKCS#11 tests, created once per test JVM in a fresh temporary
 * directory: SoftHSM2 reads {@code SOFTHSM2_CONF} (set by surefire to a file under
 * target/) once, when the library is first loaded, so this writes that file first. Tests
 * skip when the library or the variable is absent (CI without softhsm2).
 */
public final class SoftHsmToken {

	public static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");

	public static final String LABEL = "keyport-custody-test";

	public static final String PIN = "1234";

	private static boolean created;

	private SoftHsmToken() {
	}

	/** Skips the test unless SoftHSM2 is installed; creates the token on first use. */
	public static synchronized void assumeAvailable() throws IOException, InterruptedException {
		assumeTrue(Files.isReadable(LIBRARY), "SoftHSM2 is not installed (" + LIBRARY + ")");
		String conf = System.getenv("SOFTHSM2_CONF");
		assumeTrue(conf != null, "SOFTHSM2_CONF is not set (surefire sets it)");
		if (created) {
			return;
		}
		Path tokens = Files.createTempDirectory("keyport-softhsm-");
		Path config = Path.of(conf);
		Files.createDirectories(config.getParent());
		Files.writeString(config,
				"directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n",
				StandardCharsets.UTF_8);
		ProcessBuilder init = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", LABEL, "--pin",
				PIN, "--so-pin", "5678")
			.redirectErrorStream(true);
		init.environment().put("SOFTHSM2_CONF", conf);
		Process process = init.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
			throw new IllegalStateException("softhsm2-util --init-token failed: " + output);
		}
		created = true;
	}

	/** A pin file for the custodian's settings. */
	public static Path pinFile() throws IOException {
		Path pin = Files.createTempFile("keyport-pin-", ".txt");
		Files.writeString(pin, PIN + "\n");
		return pin;
	}

	/**
	 * Secret key objects in the token now (custodians keep one per material): read
	 * through the same binding the custodian uses, in a session of its own.
	 */
	public static int secretKeyObjects() {
		Pkcs11Module module = new Pkcs11Module(LIBRARY);
		for (long slot : module.slotsWithTokens()) {
			if (LABEL.equals(module.tokenLabel(slot))) {
				long session = module.openSession(slot);
				try {
					module.login(session, PIN.toCharArray());
					return module.findObjects(session,
							new Object[] { Pkcs11Module.CKA_CLASS, Pkcs11Module.CKO_SECRET_KEY }, 1_000_000).length;
				}
				finally {
					module.closeSession(session);
				}
			}
		}
		throw new IllegalStateException("token " + LABEL + " is not present");
	}

}
