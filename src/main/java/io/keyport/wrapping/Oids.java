package io.keyport.wrapping;

import java.util.Map;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;

/**
 * Object identifiers that key parsing names in its messages. OIDs are public, so they may
 * appear in messages.
 */
final class Oids {

	static final ASN1ObjectIdentifier RSA_ENCRYPTION = new ASN1ObjectIdentifier("1.2.840.113549.1.1.1");

	static final ASN1ObjectIdentifier RSASSA_PSS = new ASN1ObjectIdentifier("1.2.840.113549.1.1.10");

	static final ASN1ObjectIdentifier EC_PUBLIC_KEY = new ASN1ObjectIdentifier("1.2.840.10045.2.1");

	static final ASN1ObjectIdentifier SECP256R1 = new ASN1ObjectIdentifier("1.2.840.10045.3.1.7");

	static final ASN1ObjectIdentifier SECP384R1 = new ASN1ObjectIdentifier("1.3.132.0.34");

	static final ASN1ObjectIdentifier SECP521R1 = new ASN1ObjectIdentifier("1.3.132.0.35");

	static final ASN1ObjectIdentifier SECP256K1 = new ASN1ObjectIdentifier("1.3.132.0.10");

	static final ASN1ObjectIdentifier SM2P256V1 = new ASN1ObjectIdentifier("1.2.156.10197.1.301");

	private static final Map<String, String> NAMES = Map.ofEntries(Map.entry(RSA_ENCRYPTION.getId(), "rsaEncryption"),
			Map.entry(RSASSA_PSS.getId(), "RSASSA-PSS"), Map.entry("1.2.840.10040.4.1", "DSA"),
			Map.entry("1.2.840.113549.1.3.1", "DH"), Map.entry(EC_PUBLIC_KEY.getId(), "id-ecPublicKey"),
			Map.entry(SECP256R1.getId(), "P-256 (secp256r1)"), Map.entry(SECP384R1.getId(), "P-384 (secp384r1)"),
			Map.entry(SECP521R1.getId(), "P-521 (secp521r1)"), Map.entry(SECP256K1.getId(), "secp256k1"),
			Map.entry(SM2P256V1.getId(), "SM2 (sm2p256v1)"), Map.entry("1.2.840.10045.3.1.1", "P-192 (secp192r1)"),
			Map.entry("1.3.132.0.33", "P-224 (secp224r1)"), Map.entry("1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1"),
			Map.entry("1.3.101.110", "X25519"), Map.entry("1.3.101.111", "X448"), Map.entry("1.3.101.112", "Ed25519"),
			Map.entry("1.3.101.113", "Ed448"), Map.entry("2.16.840.1.101.3.4.3.17", "ML-DSA-44"),
			Map.entry("2.16.840.1.101.3.4.3.18", "ML-DSA-65"), Map.entry("2.16.840.1.101.3.4.3.19", "ML-DSA-87"),
			Map.entry("2.16.840.1.101.3.4.4.1", "ML-KEM-512"), Map.entry("2.16.840.1.101.3.4.4.2", "ML-KEM-768"),
			Map.entry("2.16.840.1.101.3.4.4.3", "ML-KEM-1024"));

	private Oids() {
	}

	/**
	 * A readable name with the dotted form, for example "P-256 (secp256r1), OID
	 * 1.2.840.10045.3.1.7".
	 */
	static String describe(ASN1ObjectIdentifier oid) {
		String name = NAMES.get(oid.getId());
		return (name != null) ? name + ", OID " + oid.getId() : "OID " + oid.getId();
	}

}
