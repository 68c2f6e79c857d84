package io.keyport.importjob;

import io.keyport.wrapping.KeySpec;

/** The KMS key a job imports into, as DescribeKey named it. */
record TargetKey(String keyId, String arn, KeySpec keySpec) {
}
