package io.keyport.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import com.sun.management.HotSpotDiagnosticMXBean;

/**
 * Heap dumps of the test JVM, searched for bytes that must not be in it (plaintext key
 * material a custodian keeps out of Keyport).
 */
public final class HeapDumps {

	private HeapDumps() {
	}

	/**
	 * Dumps every object, live or garbage not collected yet (so a copy dropped a moment
	 * ago is still found), to {@code heap.hprof} in the directory.
	 */
	public static Path dump(Path directory) throws IOException {
		Path dump = directory.resolve("heap.hprof");
		ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(dump.toString(), false);
		return dump;
	}

	/** Whether the file holds the bytes anywhere, read in 8 MiB windows that overlap. */
	public static boolean contains(Path file, byte[] needle) throws IOException {
		byte[] buffer = new byte[8 * 1024 * 1024];
		int kept = 0;
		try (InputStream in = Files.newInputStream(file)) {
			int read;
			while ((read = in.read(buffer, kept, buffer.length - kept)) > 0) {
				int end = kept + read;
				if (indexOf(buffer, end, needle) >= 0) {
					return true;
				}
				kept = Math.min(needle.length - 1, end);
				System.arraycopy(buffer, end - kept, buffer, 0, kept);
			}
		}
		return false;
	}

	private static int indexOf(byte[] haystack, int end, byte[] needle) {
		outer: for (int i = 0; i <= end - needle.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

}
