package io.keyport.web;

import org.springframework.web.servlet.HandlerInterceptor;

/**
 * An interceptor applied to every {@code /api/**} request, in
 * {@link org.springframework.core.annotation.Order}.
 */
public interface ApiInterceptor extends HandlerInterceptor {

}
