package io.keyport.kmskey;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import io.keyport.kms.KmsKey;

/**
 * Keys this instance created a moment ago, with their owner, so that the import job a
 * client creates right after the key does not describe it again (DescribeKey would answer
 * what CreateKey just did: a new EXTERNAL key pending import, owned by its creator, since
 * ownership never moves). An entry is used once and lives {@link #TIME_TO_LIVE}: later
 * lookups ask KMS, so a key's state changed outside Keyport is seen again (and within
 * that window KMS itself refuses a download or an import the new state forbids). Per
 * instance: a job created through another replica describes the key as before.
 */
@Component
class RecentlyCreatedKeys {

	static final Duration TIME_TO_LIVE = Duration.ofSeconds(30);

	/** Bounds the memory a burst of key creations can take. */
	static final int MAX_ENTRIES = 10_000;

	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	private final Clock clock;

	RecentlyCreatedKeys(Clock clock) {
		this.clock = clock;
	}

	record Entry(KmsKey key, String tenant, Instant expiresAt) {
	}

	void created(String target, KmsKey key, String tenant) {
		Instant now = this.clock.instant();
		if (this.entries.size() >= MAX_ENTRIES) {
			prune(now);
			if (this.entries.size() >= MAX_ENTRIES) {
				return;
			}
		}
		Entry entry = new Entry(key, tenant, now.plus(TIME_TO_LIVE));
		this.entries.put(name(target, key.keyId()), entry);
		this.entries.put(name(target, key.arn()), entry);
	}

	/**
	 * The key as created, by the key id or resource name it was created with; the entry
	 * is gone afterwards.
	 */
	Entry take(String target, String reference) {
		Entry entry = this.entries.remove(name(target, reference));
		if (entry == null) {
			return null;
		}
		this.entries.remove(name(target, entry.key().keyId()), entry);
		this.entries.remove(name(target, entry.key().arn()), entry);
		return entry.expiresAt().isAfter(this.clock.instant()) ? entry : null;
	}

	int size() {
		return this.entries.size();
	}

	private void prune(Instant now) {
		for (Iterator<Entry> it = this.entries.values().iterator(); it.hasNext();) {
			if (!it.next().expiresAt().isAfter(now)) {
				it.remove();
			}
		}
	}

	private static String name(String target, String reference) {
		return target + '\u0000' + reference;
	}

}
