package io.keyport.emulator;

import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the members of one multi-Region key share across regions: who is primary, where
 * the replicas are, and the digest of the material they must all hold (the first material
 * imported into any of them), since AWS requires the same material in each.
 */
final class EmulatedMultiRegionKey {

	record Member(String region, String arn) {
	}

	private final Member primary;

	/** Region to replica, in the order they were created. */
	private final Map<String, Member> replicas = new LinkedHashMap<>();

	private byte[] materialIdentity;

	EmulatedMultiRegionKey(String primaryRegion, String primaryArn) {
		this.primary = new Member(primaryRegion, primaryArn);
	}

	Member primary() {
		return this.primary;
	}

	synchronized List<Member> replicas() {
		return List.copyOf(this.replicas.values());
	}

	synchronized boolean hasMemberIn(String region) {
		return this.primary.region().equals(region) || this.replicas.containsKey(region);
	}

	synchronized void addReplica(String region, String arn) {
		this.replicas.put(region, new Member(region, arn));
	}

	boolean isPrimary(String region) {
		return this.primary.region().equals(region);
	}

	synchronized boolean hasMaterial() {
		return this.materialIdentity != null;
	}

	/**
	 * Whether the material (its digest) may go into a member: the first import into any
	 * member decides what all of them take.
	 */
	synchronized boolean acceptsMaterial(byte[] identity) {
		if (this.materialIdentity == null) {
			this.materialIdentity = identity.clone();
			return true;
		}
		return MessageDigest.isEqual(this.materialIdentity, identity);
	}

}
