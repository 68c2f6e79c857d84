package io.keyport.wrapping;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.keyport.testsupport.HeapDumps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * AES-256-GCM sealing for custodians: what is sealed opens with the same key, nonce and
 * additional data only, and the sealing key leaves no copy on the heap once its owner
 * overwrote it (a custody data key decrypts every material sealed under it).
 */
class MaterialSealingTests {

	private static final byte[] AAD = "vault|id|SYMMETRIC_DEFAULT".getBytes(StandardCharsets.US_ASCII);

	@Test
	void sealedMaterialOpensWithItsKeyNonceAndAdditionalDataOnly() {
		byte[] key = TestKeys.random(32);
		byte[] nonce = TestKeys.random(MaterialSealing.NONCE_LENGTH);
		byte[] material = TestKeys.random(32);
		byte[] sealed = MaterialSealing.seal(KeyMaterial.takeOwnership(material.clone()), key, nonce, AAD);

		assertThat(sealed).hasSize(32 + 16);
		try (KeyMaterial opened = MaterialSealing.open(sealed, key, nonce, AAD)) {
			assertThat(MaterialSealing.withLiveBytes(opened, byte[]::clone)).isEqualTo(material);
		}
		byte[] otherAad = "vault|other|SYMMETRIC_DEFAULT".getBytes(StandardCharsets.US_ASCII);
		assertThatExceptionOfType(WrappingException.class)
			.isThrownBy(() -> MaterialSealing.open(sealed, key, nonce, otherAad));
		assertThatExceptionOfType(WrappingException.class)
			.isThrownBy(() -> MaterialSealing.open(sealed, TestKeys.random(32), nonce, AAD));
	}

	@Test
	void theSealingKeyLeavesNoCopyOnTheHeapOnceItsOwnerOverwroteIt(@TempDir Path dir) throws Exception {
		byte[] key = seededKey();
		byte[] nonce = TestKeys.random(MaterialSealing.NONCE_LENGTH);
		byte[] sealed = MaterialSealing.seal(KeyMaterial.takeOwnership(TestKeys.random(32)), key, nonce, AAD);
		MaterialSealing.open(sealed, key, nonce, AAD).close();
		Arrays.fill(key, (byte) 0);

		Path dump = HeapDumps.dump(dir);

		assertThat(HeapDumps.contains(dump, seededKey())).as("the sealing key in a heap dump after seal and open")
			.isFalse();
	}

	private static byte[] seededKey() {
		byte[] key = new byte[32];
		// a seed no other heap-dump test uses: a copy another test left is found too
		new Random(0x5345414C4B4559L).nextBytes(key);
		return key;
	}

}
