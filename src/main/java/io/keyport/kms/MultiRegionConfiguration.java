package io.keyport.kms;

import java.util.List;

/**
 * How a multi-Region key is related to its counterparts in other regions (AWS DescribeKey
 * {@code MultiRegionConfiguration}): they share id and material, and each replica of an
 * external key needs its own import of the same material.
 *
 * @param role whether the described key is the primary or a replica
 * @param primary the primary key
 * @param replicas every replica, in any order
 */
public record MultiRegionConfiguration(Role role, RegionalKey primary, List<RegionalKey> replicas) {

	public MultiRegionConfiguration {
		replicas = List.copyOf(replicas);
	}

	public enum Role {

		PRIMARY, REPLICA

	}

	/** One member of a multi-Region key: its ARN and region. */
	public record RegionalKey(String arn, String region) {
	}

}
