package io.keyport.wrapping;

/**
 * One allowed way to wrap a key spec's material: a wrapping algorithm with a wrapping key
 * spec.
 */
public record WrappingOption(WrappingAlgorithm algorithm, WrappingKeySpec wrappingKeySpec) {
}
