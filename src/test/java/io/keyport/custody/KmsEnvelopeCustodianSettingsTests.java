package io.keyport.custody;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.support.StaticListableBeanFactory;

import io.keyport.kms.KmsProvider;
import io.keyport.kms.KmsTarget;
import io.keyport.kms.KmsTargetSettings;
import io.keyport.kms.KmsTargets;
import io.keyport.kms.huawei.HuaweiKmsProviderFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A kms-envelope custodian seals material with KMS data keys, which only AWS has: one on
 * a Huawei target (named, or the default target) is refused at startup, where it started
 * and then refused every custody upload.
 */
class KmsEnvelopeCustodianSettingsTests {

	@Test
	void aKmsEnvelopeCustodianOnATargetWithoutDataKeysIsRefusedAtStartupNamingTheSetting(@TempDir Path dir)
			throws Exception {
		Path accessKey = Files.writeString(dir.resolve("ak"), "AKTEST");
		Path secretKey = Files.writeString(dir.resolve("sk"), "SKTEST");
		KmsProvider huawei = new HuaweiKmsProviderFactory(new StaticListableBeanFactory().getBeanProvider(Clock.class))
			.create("hw", new KmsTargetSettings("huawei", "ap-southeast-1", null, null, null, "p1", accessKey,
					secretKey, null, false, null));
		assertThat(huawei.supportsDataKeys()).isFalse();
		KmsTargets targets = new KmsTargets(List.of(new KmsTarget("hw", "huawei", huawei, null)), "hw");
		CustodianFactory factory = new CustodianFactory(targets, null, null);

		for (String kmsTarget : new String[] { "hw", null }) {
			CustodianSettings settings = new CustodianSettings("kms-envelope", kmsTarget, "some-key", null, null, null,
					null, false);
			assertThatIllegalStateException().isThrownBy(() -> factory.create("vault", settings))
				.withMessageContaining("keyport.custody.vault.kms-target")
				.withMessageContaining("target 'hw'")
				.withMessageContaining("use an AWS target");
		}
	}

}
