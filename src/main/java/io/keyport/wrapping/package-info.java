/**
 * Key material for import: plain Java, no Spring, no persistence.
 * <ul>
 * <li>The API: {@link io.keyport.wrapping.ImportSpec} (key spec, wrapping algorithm,
 * wrapping key spec, validated once by a provider's
 * {@link io.keyport.wrapping.ImportRules}),
 * {@link io.keyport.wrapping.KeyMaterialWrapper} (wraps and checks ciphertext, trusting
 * the spec), {@link io.keyport.wrapping.KeyMaterialFormats} (PEM, PKCS#1 and SEC1 to DER
 * PKCS#8, public-key derivation), and the values they exchange ({@code KeyMaterial},
 * {@code EncryptedKeyMaterial}, {@code WrappingPublicKey}, the spec enums,
 * {@code WrappingException}).</li>
 * <li>Rules per provider: {@code AwsImportRules} (standard partition and China) with
 * their refusal texts in {@code AwsRefusals}; {@code HuaweiImportRules} (Huawei Cloud
 * KMS, legacy algorithms per target) with {@link io.keyport.wrapping.HuaweiEnvelope}, the
 * split of its two-part private-key envelopes for the wire; {@code WithPkcs1V15} for
 * providers that still take RSAES_PKCS1_V1_5.</li>
 * <li>Schemes, one per algorithm, chosen by {@code WrappingSchemes}:
 * {@code RsaOaepScheme}, {@code RsaAesKeyWrapScheme}, {@code Sm2PkeScheme},
 * {@code Pkcs1V15Scheme}, {@code Sm2Sm4KeyWrapScheme}, on the primitives {@code Oaep},
 * {@code Kwp}, {@code Sm2Pke}, {@code Sm4Kwp} and {@code Pkcs1V15}.</li>
 * <li>Material formats: {@code Der} (reading) and {@code DerWriter} (writing),
 * {@code Pkcs8} (checks), {@code Pkcs8Conversion}, {@code PemPrivateKeys},
 * {@code PublicKeyDerivation}, {@code Oids}; wrapping public keys in
 * {@code WrappingKeys}.</li>
 * </ul>
 * One package, so that the live buffer of {@code KeyMaterial} stays visible to this code
 * only.
 */
package io.keyport.wrapping;
