package io.keyport.web;

import java.util.List;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Registers the API's interceptors (per-client rate limit, audit) for {@code /api/**}.
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

}
