package io.keyport.kms;

/**
 * Outcome of a successful import.
 *
 * @param keyMaterialId the provider's id of the imported material (AWS, symmetric keys),
 * else {@code null}
 */
public record ImportResult(String keyArn, String keyMaterialId) {
}
