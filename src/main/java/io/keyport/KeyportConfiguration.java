package io.keyport;

import java.time.Clock;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.keyport.wrapping.KeyMaterialWrapper;

/** Application-wide beans: the clock all time goes through, and the wrapping service. */
@Configuration(proxyBeanMethods = false)
class KeyportConfiguration {

	@Bean
	@ConditionalOnMissingBean
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean
	KeyMaterialWrapper keyMaterialWrapper() {
		return new KeyMaterialWrapper();
	}

}
