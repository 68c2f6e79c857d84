package io.keyport.custody;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.keyport.kms.KmsTarget;
import io.keyport.kms.KmsTargets;
import io.keyport.wrapping.KeyMaterialWrapper;

/**
 * Builds the configured custodians and refuses, at startup and naming the property, a
 * custodian that cannot work: a missing or foreign setting, an unknown KMS target, a
 * local file without {@code allow-insecure-local-file}.
 */
final class CustodianFactory {

	private final KmsTargets targets;

	private final SealedMaterialStore store;

	private final KeyMaterialWrapper wrapper;

	CustodianFactory(KmsTargets targets, SealedMaterialStore store, KeyMaterialWrapper wrapper) {
		this.targets = targets;
		this.store = store;
		this.wrapper = wrapper;
	}

	Custodians create(Map<String, CustodianSettings> settings) {
		List<Custodian> custodians = new ArrayList<>();
		settings.forEach((name, s) -> custodians.add(create(name, s)));
		return new Custodians(custodians);
	}

	Custodian create(String name, CustodianSettings s) {
		String type = required(name, "type", s.type());
		return switch (type) {
			case KmsEnvelopeCustodian.TYPE -> {
				refuse(name, type, "library", s.library() != null);
				refuse(name, type, "token-label", s.tokenLabel() != null);
				refuse(name, type, "pin-file", s.pinFile() != null);
				refuse(name, type, "key-file", s.keyFile() != null);
				if (s.kmsTarget() != null && !this.targets.contains(s.kmsTarget())) {
					throw new IllegalStateException(property(name, "kms-target") + " names '" + s.kmsTarget()
							+ "', which is not among the KMS targets " + this.targets.names());
				}
				KmsTarget target = this.targets.get(s.kmsTarget());
				if (!target.kms().supportsDataKeys()) {
					throw new IllegalStateException("custodian '" + name + "' seals material with data keys of KMS "
							+ "target '" + target.name() + "' (" + property(name, "kms-target")
							+ (s.kmsTarget() == null ? ", unset: the default target" : "") + "), whose provider ("
							+ target.provider() + ") has none; use an AWS target");
				}
				yield new KmsEnvelopeCustodian(name, target, required(name, "key-id", s.keyId()), this.store,
						this.wrapper);
			}
			case Pkcs11Custodian.TYPE -> {
				refuse(name, type, "kms-target", s.kmsTarget() != null);
				refuse(name, type, "key-id", s.keyId() != null);
				refuse(name, type, "key-file", s.keyFile() != null);
				if (s.library() == null || !Files.isReadable(s.library())) {
					throw new IllegalStateException(property(name, "library") + " must name a readable PKCS#11 module");
				}
				yield new Pkcs11Custodian(name, s.library(), required(name, "token-label", s.tokenLabel()),
						pin(name, s));
			}
			case LocalFileCustodian.TYPE -> {
				refuse(name, type, "kms-target", s.kmsTarget() != null);
				refuse(name, type, "key-id", s.keyId() != null);
				refuse(name, type, "library", s.library() != null);
				refuse(name, type, "token-label", s.tokenLabel() != null);
				refuse(name, type, "pin-file", s.pinFile() != null);
				if (!s.allowInsecureLocalFile()) {
					throw new IllegalStateException("custodian '" + name + "' is a local-file custodian, which is for "
							+ "local runs and tests only: anyone with the key file and the database has the material. "
							+ "Set " + property(name, "allow-insecure-local-file") + "=true to use it there; never "
							+ "in production (use kms-envelope or pkcs11)");
				}
				if (s.keyFile() == null) {
					throw new IllegalStateException(
							property(name, "key-file") + " is required for a local-file custodian");
				}
				yield new LocalFileCustodian(name, s.keyFile(), this.store, this.wrapper);
			}
			default -> throw new IllegalStateException(
					property(name, "type") + " is '" + type + "', not kms-envelope, pkcs11 or local-file");
		};
	}

	/** The PIN as chars (the JDK's PKCS#11 login takes a char[]); never a String. */
	private static char[] pin(String name, CustodianSettings s) {
		if (s.pinFile() == null) {
			throw new IllegalStateException(property(name, "pin-file") + " is required for a pkcs11 custodian");
		}
		try {
			byte[] bytes = Files.readAllBytes(s.pinFile());
			int length = bytes.length;
			while (length > 0 && (bytes[length - 1] == '\n' || bytes[length - 1] == '\r')) {
				length--;
			}
			char[] pin = new char[length];
			for (int i = 0; i < length; i++) {
				pin[i] = (char) (bytes[i] & 0xff);
			}
			java.util.Arrays.fill(bytes, (byte) 0);
			return pin;
		}
		catch (IOException ex) {
			throw new IllegalStateException(property(name, "pin-file") + " cannot be read: " + ex.getMessage());
		}
	}

	private static String required(String name, String property, String value) {
		if (value == null || value.isBlank()) {
			throw new IllegalStateException(property(name, property) + " is required");
		}
		return value;
	}

	private static void refuse(String name, String type, String property, boolean set) {
		if (set) {
			throw new IllegalStateException(property(name, property) + " is not a setting of a " + type + " custodian");
		}
	}

	static String property(String name, String property) {
		return "keyport.custody." + name + "." + property;
	}

}
