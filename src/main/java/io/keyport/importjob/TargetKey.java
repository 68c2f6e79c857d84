package io.keyport.importjob;

import io.keyport.wrapping.KeySpec;

/**
 * The KMS key a job imports into, as DescribeKey named it, and the KMS target it lives
 * in.
 */
record TargetKey(String target, String keyId, String arn, KeySpec keySpec) {
}
