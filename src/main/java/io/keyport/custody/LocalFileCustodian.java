package io.keyport.custody;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;

import io.keyport.wrapping.KeyMaterialWrapper;

/**
 * For local runs and tests only: material sealed under a 32-byte AES key read from a
 * local file (raw bytes). Anyone who can read the file and the database has the material,
 * so {@link CustodianFactory} refuses it unless {@code allow-insecure-local-file} is set;
 * the packaged defaults never set it.
 */
final class LocalFileCustodian extends SealingCustodian {

	static final String TYPE = "local-file";

	private final Path keyFile;

	LocalFileCustodian(String name, Path keyFile, SealedMaterialStore store, KeyMaterialWrapper wrapper) {
		super(name, store, wrapper);
		this.keyFile = keyFile;
		Arrays.fill(readKey(), (byte) 0);
	}

	@Override
	public String type() {
		return TYPE;
	}

	@Override
	SealingKey newKey(UUID id, String keySpec) {
		return new SealingKey(readKey(), null, null, null);
	}

	@Override
	byte[] keyOf(SealedMaterialStore.Row row) {
		return readKey();
	}

	/** Read at each use, so the key is not held between uses. */
	private byte[] readKey() {
		byte[] key;
		try {
			key = Files.readAllBytes(this.keyFile);
		}
		catch (IOException ex) {
			// the file is named by its setting, not its path: tenants read this in their
			// jobs' histories
			throw new CustodyException(CustodyException.Reason.UNAVAILABLE, name(), "custodian " + name()
					+ " cannot read its key file (its key-file setting): " + ex.getClass().getSimpleName());
		}
		if (key.length != 32) {
			Arrays.fill(key, (byte) 0);
			throw new CustodyException(CustodyException.Reason.REFUSED, name(), "custodian " + name()
					+ ": its key file (its key-file setting) must hold exactly 32 raw bytes, has " + key.length);
		}
		return key;
	}

}
