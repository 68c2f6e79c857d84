package io.keyport.web;

import java.util.List;

import org.apache.catalina.core.StandardHost;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Registers the API's interceptors (per-client rate limit, audit) for {@code /api/**},
 * and Tomcat's problem+json error reports.
 */
@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {

	private final List<HandlerInterceptor> interceptors;

	WebConfiguration(List<ApiInterceptor> interceptors) {
		this.interceptors = List.copyOf(interceptors);
	}

	@Override
	public void addInterceptors(InterceptorRegistry registry) {
		this.interceptors.forEach(interceptor -> registry.addInterceptor(interceptor).addPathPatterns("/api/**"));
	}

	/**
	 * Tomcat's error answers for URLs it rejects itself are problem+json too (see
	 * {@link ProblemErrorReportValve}).
	 */
	@Bean
	WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReports() {
		return factory -> factory.addContextCustomizers(context -> {
			if (context.getParent() instanceof StandardHost host) {
				host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
			}
		});
	}

}
