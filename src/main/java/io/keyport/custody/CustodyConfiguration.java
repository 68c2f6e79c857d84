package io.keyport.custody;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.keyport.kms.KmsTargets;
import io.keyport.wrapping.KeyMaterialWrapper;

/** The custodians of {@code keyport.custody.<name>.*}, checked at startup. */
@Configuration(proxyBeanMethods = false)
class CustodyConfiguration {

	@Bean
	Custodians custodians(CustodyProperties properties, KmsTargets targets, JdbcTemplate jdbc, Clock clock) {
		SealedMaterialStore store = new SealedMaterialStore(JdbcClient.create(jdbc), clock);
		return new CustodianFactory(targets, store, new KeyMaterialWrapper()).create(properties.custody());
	}

}
