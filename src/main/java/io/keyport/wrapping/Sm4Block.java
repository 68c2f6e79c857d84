package io.keyport.wrapping;

import java.util.Arrays;

import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The SM4 block cipher (GB/T 32907-2016), encryption only, with round keys that can be
 * overwritten: Bouncy Castle's {@code SM4Engine} expands every key into new arrays (the
 * key's own words among them) and drops them to the garbage collector, so the temporary
 * key that protects an SM2 private key would stay readable in the heap. Checked against
 * the standard's example and against Bouncy Castle's engine.
 */
final class Sm4Block implements BlockCipher {

	private static final byte[] SBOX = { (byte) 0xd6, (byte) 0x90, (byte) 0xe9, (byte) 0xfe, (byte) 0xcc, (byte) 0xe1,
			0x3d, (byte) 0xb7, 0x16, (byte) 0xb6, 0x14, (byte) 0xc2, 0x28, (byte) 0xfb, 0x2c, 0x05, 0x2b, 0x67,
			(byte) 0x9a, 0x76, 0x2a, (byte) 0xbe, 0x04, (byte) 0xc3, (byte) 0xaa, 0x44, 0x13, 0x26, 0x49, (byte) 0x86,
			0x06, (byte) 0x99, (byte) 0x9c, 0x42, 0x50, (byte) 0xf4, (byte) 0x91, (byte) 0xef, (byte) 0x98, 0x7a, 0x33,
			0x54, 0x0b, 0x43, (byte) 0xed, (byte) 0xcf, (byte) 0xac, 0x62, (byte) 0xe4, (byte) 0xb3, 0x1c, (byte) 0xa9,
			(byte) 0xc9, 0x08, (byte) 0xe8, (byte) 0x95, (byte) 0x80, (byte) 0xdf, (byte) 0x94, (byte) 0xfa, 0x75,
			(byte) 0x8f, 0x3f, (byte) 0xa6, 0x47, 0x07, (byte) 0xa7, (byte) 0xfc, (byte) 0xf3, 0x73, 0x17, (byte) 0xba,
			(byte) 0x83, 0x59, 0x3c, 0x19, (byte) 0xe6, (byte) 0x85, 0x4f, (byte) 0xa8, 0x68, 0x6b, (byte) 0x81,
			(byte) 0xb2, 0x71, 0x64, (byte) 0xda, (byte) 0x8b, (byte) 0xf8, (byte) 0xeb, 0x0f, 0x4b, 0x70, 0x56,
			(byte) 0x9d, 0x35, 0x1e, 0x24, 0x0e, 0x5e, 0x63, 0x58, (byte) 0xd1, (byte) 0xa2, 0x25, 0x22, 0x7c, 0x3b,
			0x01, 0x21, 0x78, (byte) 0x87, (byte) 0xd4, 0x00, 0x46, 0x57, (byte) 0x9f, (byte) 0xd3, 0x27, 0x52, 0x4c,
			0x36, 0x02, (byte) 0xe7, (byte) 0xa0, (byte) 0xc4, (byte) 0xc8, (byte) 0x9e, (byte) 0xea, (byte) 0xbf,
			(byte) 0x8a, (byte) 0xd2, 0x40, (byte) 0xc7, 0x38, (byte) 0xb5, (byte) 0xa3, (byte) 0xf7, (byte) 0xf2,
			(byte) 0xce, (byte) 0xf9, 0x61, 0x15, (byte) 0xa1, (byte) 0xe0, (byte) 0xae, 0x5d, (byte) 0xa4, (byte) 0x9b,
			0x34, 0x1a, 0x55, (byte) 0xad, (byte) 0x93, 0x32, 0x30, (byte) 0xf5, (byte) 0x8c, (byte) 0xb1, (byte) 0xe3,
			0x1d, (byte) 0xf6, (byte) 0xe2, 0x2e, (byte) 0x82, 0x66, (byte) 0xca, 0x60, (byte) 0xc0, 0x29, 0x23,
			(byte) 0xab, 0x0d, 0x53, 0x4e, 0x6f, (byte) 0xd5, (byte) 0xdb, 0x37, 0x45, (byte) 0xde, (byte) 0xfd,
			(byte) 0x8e, 0x2f, 0x03, (byte) 0xff, 0x6a, 0x72, 0x6d, 0x6c, 0x5b, 0x51, (byte) 0x8d, 0x1b, (byte) 0xaf,
			(byte) 0x92, (byte) 0xbb, (byte) 0xdd, (byte) 0xbc, 0x7f, 0x11, (byte) 0xd9, 0x5c, 0x41, 0x1f, 0x10, 0x5a,
			(byte) 0xd8, 0x0a, (byte) 0xc1, 0x31, (byte) 0x88, (byte) 0xa5, (byte) 0xcd, 0x7b, (byte) 0xbd, 0x2d, 0x74,
			(byte) 0xd0, 0x12, (byte) 0xb8, (byte) 0xe5, (byte) 0xb4, (byte) 0xb0, (byte) 0x89, 0x69, (byte) 0x97, 0x4a,
			0x0c, (byte) 0x96, 0x77, 0x7e, 0x65, (byte) 0xb9, (byte) 0xf1, 0x09, (byte) 0xc5, 0x6e, (byte) 0xc6,
			(byte) 0x84, 0x18, (byte) 0xf0, 0x7d, (byte) 0xec, 0x3a, (byte) 0xdc, 0x4d, 0x20, 0x79, (byte) 0xee, 0x5f,
			0x3e, (byte) 0xd7, (byte) 0xcb, 0x39, 0x48 };

	private static final int[] FK = { 0xa3b1bac6, 0x56aa3350, 0x677d9197, 0xb27022dc };

	/** The 32 round keys: everything the key gives the cipher. */
	private final int[] rk = new int[32];

	private boolean initialised;

	/** Ready to encrypt under {@code key} (16 bytes, not kept). */
	static Sm4Block forEncryption(byte[] key) {
		Sm4Block sm4 = new Sm4Block();
		sm4.init(true, new KeyParameter(key));
		return sm4;
	}

	@Override
	public void init(boolean forEncryption, CipherParameters params) {
		if (!forEncryption || !(params instanceof KeyParameter keyParameter)) {
			throw new IllegalArgumentException("this SM4 only encrypts, with a KeyParameter");
		}
		byte[] key = keyParameter.getKey();
		try {
			if (key.length != 16) {
				throw new IllegalArgumentException("an SM4 key is 16 bytes, got " + key.length);
			}
			// the key schedule runs on four words that roll through the round keys
			int k0 = word(key, 0) ^ FK[0];
			int k1 = word(key, 4) ^ FK[1];
			int k2 = word(key, 8) ^ FK[2];
			int k3 = word(key, 12) ^ FK[3];
			for (int i = 0; i < 32; i++) {
				int next = k0 ^ keyScheduleT(k1 ^ k2 ^ k3 ^ ck(i));
				this.rk[i] = next;
				k0 = k1;
				k1 = k2;
				k2 = k3;
				k3 = next;
			}
			this.initialised = true;
		}
		finally {
			// KeyParameter hands out its own copy of the caller's key
			Arrays.fill(key, (byte) 0);
		}
	}

	@Override
	public String getAlgorithmName() {
		return "SM4";
	}

	@Override
	public int getBlockSize() {
		return 16;
	}

	@Override
	public int processBlock(byte[] in, int inOff, byte[] out, int outOff) {
		if (!this.initialised) {
			throw new IllegalStateException("SM4 is not initialised, or was destroyed");
		}
		int x0 = word(in, inOff);
		int x1 = word(in, inOff + 4);
		int x2 = word(in, inOff + 8);
		int x3 = word(in, inOff + 12);
		for (int i = 0; i < 32; i++) {
			int next = x0 ^ roundT(x1 ^ x2 ^ x3 ^ this.rk[i]);
			x0 = x1;
			x1 = x2;
			x2 = x3;
			x3 = next;
		}
		// the output is the last four words in reverse order
		putWord(out, outOff, x3);
		putWord(out, outOff + 4, x2);
		putWord(out, outOff + 8, x1);
		putWord(out, outOff + 12, x0);
		return 16;
	}

	@Override
	public void reset() {
		// no state between blocks
	}

	/** Overwrites the round keys; the cipher cannot be used afterwards. */
	void destroy() {
		Arrays.fill(this.rk, 0);
		this.initialised = false;
	}

	/** CK: byte j of word i is (4i + j) * 7 mod 256. */
	private static int ck(int i) {
		int word = 0;
		for (int j = 0; j < 4; j++) {
			word = (word << 8) | (((4 * i + j) * 7) & 0xff);
		}
		return word;
	}

	private static int tau(int a) {
		return (SBOX[a >>> 24] & 0xff) << 24 | (SBOX[(a >>> 16) & 0xff] & 0xff) << 16
				| (SBOX[(a >>> 8) & 0xff] & 0xff) << 8 | (SBOX[a & 0xff] & 0xff);
	}

	private static int roundT(int a) {
		int b = tau(a);
		return b ^ Integer.rotateLeft(b, 2) ^ Integer.rotateLeft(b, 10) ^ Integer.rotateLeft(b, 18)
				^ Integer.rotateLeft(b, 24);
	}

	private static int keyScheduleT(int a) {
		int b = tau(a);
		return b ^ Integer.rotateLeft(b, 13) ^ Integer.rotateLeft(b, 23);
	}

	private static int word(byte[] bytes, int offset) {
		return (bytes[offset] & 0xff) << 24 | (bytes[offset + 1] & 0xff) << 16 | (bytes[offset + 2] & 0xff) << 8
				| (bytes[offset + 3] & 0xff);
	}

	private static void putWord(byte[] bytes, int offset, int word) {
		bytes[offset] = (byte) (word >>> 24);
		bytes[offset + 1] = (byte) (word >>> 16);
		bytes[offset + 2] = (byte) (word >>> 8);
		bytes[offset + 3] = (byte) word;
	}

}
