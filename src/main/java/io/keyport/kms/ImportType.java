package io.keyport.kms;

/**
 * Whether an import brings a key new material or material it had before (AWS
 * {@code ImportType}, symmetric keys only).
 */
public enum ImportType {

	/**
	 * Material the key never had, for a rotation: it waits as pending rotation until
	 * {@link KmsProvider#rotateOnDemand(String)} makes it current.
	 */
	NEW_KEY_MATERIAL,

	/** Material the key has had, imported again (renewal, another ValidTo, a replica). */
	EXISTING_KEY_MATERIAL

}
