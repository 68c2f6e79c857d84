package io.keyport.kms;

/** Whether imported key material expires (AWS {@code ExpirationModelType}). */
public enum ExpirationModel {

	KEY_MATERIAL_EXPIRES, KEY_MATERIAL_DOES_NOT_EXPIRE

}
