package io.keyport.wrapping;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keyport.testsupport.HeapDumps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A PEM block whose base64 breaks only at its end is refused without leaving its decoded
 * bytes on the heap: the JDK's decoder fills its own output array before it finds the
 * fault, and that array was dropped unzeroed (found by review).
 */
class PemBase64HygieneTests {

	/** Long enough to be found only where it really is. */
	private static final int BODY = 600;

	@Test
	void aPemBodyWithBrokenBase64LeavesNoDecodedCopyOnTheHeap(@TempDir Path dir) throws Exception {
		for (String fault : new String[] { "A\n", "=\nAAAA\n" }) {
			// one stray character (4n+1) and base64 after the padding
			byte[] pem = pem(fault);
			assertThatExceptionOfType(WrappingException.class)
				.isThrownBy(() -> PemPrivateKeys.toPkcs8(pem, KeySpec.ECC_NIST_P256))
				.withMessageContaining("not valid base64");
			Arrays.fill(pem, (byte) 0);
		}
		Path dump = HeapDumps.dump(dir);

		// the decoded bytes are made again only now, after the dump
		byte[] body = body();
		assertThat(HeapDumps.contains(dump, Arrays.copyOf(body, 64))).as("the decoded body in a heap dump").isFalse();
		byte[] control = body.clone();
		Path second = HeapDumps.dump(Files.createDirectories(dir.resolve("control")));
		assertThat(HeapDumps.contains(second, Arrays.copyOf(control, 64))).as("the check finds what is there").isTrue();
	}

	private static byte[] body() {
		byte[] body = new byte[BODY];
		// a seed no other heap-dump test uses: a copy another test left would be found
		// too
		new Random(20261128L).nextBytes(body);
		return body;
	}

	private static byte[] pem(String fault) {
		byte[] body = body();
		byte[] base64 = Base64.getMimeEncoder().encode(body);
		Arrays.fill(body, (byte) 0);
		byte[] begin = "-----BEGIN PRIVATE KEY-----\n".getBytes(StandardCharsets.US_ASCII);
		byte[] end = ("\n" + fault + "-----END PRIVATE KEY-----\n").getBytes(StandardCharsets.US_ASCII);
		byte[] pem = new byte[begin.length + base64.length + end.length];
		System.arraycopy(begin, 0, pem, 0, begin.length);
		System.arraycopy(base64, 0, pem, begin.length, base64.length);
		System.arraycopy(end, 0, pem, begin.length + base64.length, end.length);
		Arrays.fill(base64, (byte) 0);
		return pem;
	}

}
