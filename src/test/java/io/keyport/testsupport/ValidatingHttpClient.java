package io.keyport.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * An {@link HttpClient} that checks every exchange against the committed OpenAPI
 * document, as {@link ApiClient} does, for clients that bring their own (the generated
 * client takes an {@link HttpClient.Builder}). Its response interceptor would not do: it
 * gets the body as an unread stream the generated code reads afterwards. The body is read
 * whole, checked, and handed to the caller's body handler.
 */
public final class ValidatingHttpClient extends HttpClient {

	private final HttpClient delegate;

	private ValidatingHttpClient(HttpClient delegate) {
		this.delegate = delegate;
	}

	/** A builder like {@code HttpClient.newBuilder()} whose clients validate. */
	public static HttpClient.Builder newBuilder() {
		HttpClient.Builder real = HttpClient.newBuilder();
		return (HttpClient.Builder) Proxy.newProxyInstance(ValidatingHttpClient.class.getClassLoader(),
				new Class<?>[] { HttpClient.Builder.class }, (proxy, method, args) -> {
					if (method.getName().equals("build")) {
						return new ValidatingHttpClient(real.build());
					}
					try {
						Object result = method.invoke(real, args);
						return (result == real) ? proxy : result;
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
	}

	@Override
	public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
			throws IOException, InterruptedException {
		byte[] requestBody = request.bodyPublisher().map(ValidatingHttpClient::bytes).orElse(null);
		HttpResponse<byte[]> response = this.delegate.send(request, HttpResponse.BodyHandlers.ofByteArray());
		OpenApiRequestValidator.check(request.method(), request.uri().toString(), request.headers().map(), requestBody,
				response.statusCode(), response.headers().map(), response.body());
		ApiClient.Response answer = new ApiClient.Response(response.statusCode(), response.headers(), response.body());
		OpenApiResponseValidator.check(request.method(), request.uri().toString(), answer);
		return new Answer<>(response, body(handler, response));
	}

	@Override
	public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
		return CompletableFuture.supplyAsync(() -> {
			try {
				return send(request, handler);
			}
			catch (IOException | InterruptedException ex) {
				throw new CompletionException(ex);
			}
		}, executor().orElse(Runnable::run));
	}

	@Override
	public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
			HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
		return sendAsync(request, handler);
	}

	/** What the publisher sends (the generated client's publishers can be read again). */
	private static byte[] bytes(HttpRequest.BodyPublisher publisher) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		CompletableFuture<byte[]> done = new CompletableFuture<>();
		publisher.subscribe(new Flow.Subscriber<>() {

			@Override
			public void onSubscribe(Flow.Subscription subscription) {
				subscription.request(Long.MAX_VALUE);
			}

			@Override
			public void onNext(ByteBuffer item) {
				byte[] chunk = new byte[item.remaining()];
				item.get(chunk);
				out.writeBytes(chunk);
			}

			@Override
			public void onError(Throwable failure) {
				done.completeExceptionally(failure);
			}

			@Override
			public void onComplete() {
				done.complete(out.toByteArray());
			}

		});
		return done.join();
	}

	/** The caller's handler fed with the body already read. */
	private static <T> T body(HttpResponse.BodyHandler<T> handler, HttpResponse<byte[]> response) {
		HttpResponse.BodySubscriber<T> subscriber = handler.apply(new HttpResponse.ResponseInfo() {

			@Override
			public int statusCode() {
				return response.statusCode();
			}

			@Override
			public HttpHeaders headers() {
				return response.headers();
			}

			@Override
			public HttpClient.Version version() {
				return response.version();
			}

		});
		subscriber.onSubscribe(new Flow.Subscription() {

			@Override
			public void request(long n) {
			}

			@Override
			public void cancel() {
			}

		});
		subscriber.onNext(List.of(ByteBuffer.wrap(response.body())));
		subscriber.onComplete();
		return subscriber.getBody().toCompletableFuture().join();
	}

	private record Answer<T>(HttpResponse<byte[]> raw, T body) implements HttpResponse<T> {

		@Override
		public int statusCode() {
			return this.raw.statusCode();
		}

		@Override
		public HttpRequest request() {
			return this.raw.request();
		}

		@Override
		public Optional<HttpResponse<T>> previousResponse() {
			return Optional.empty();
		}

		@Override
		public HttpHeaders headers() {
			return this.raw.headers();
		}

		@Override
		public Optional<SSLSession> sslSession() {
			return this.raw.sslSession();
		}

		@Override
		public URI uri() {
			return this.raw.uri();
		}

		@Override
		public HttpClient.Version version() {
			return this.raw.version();
		}

	}

	@Override
	public Optional<CookieHandler> cookieHandler() {
		return this.delegate.cookieHandler();
	}

	@Override
	public Optional<Duration> connectTimeout() {
		return this.delegate.connectTimeout();
	}

	@Override
	public Redirect followRedirects() {
		return this.delegate.followRedirects();
	}

	@Override
	public Optional<ProxySelector> proxy() {
		return this.delegate.proxy();
	}

	@Override
	public SSLContext sslContext() {
		return this.delegate.sslContext();
	}

	@Override
	public SSLParameters sslParameters() {
		return this.delegate.sslParameters();
	}

	@Override
	public Optional<Authenticator> authenticator() {
		return this.delegate.authenticator();
	}

	@Override
	public HttpClient.Version version() {
		return this.delegate.version();
	}

	@Override
	public Optional<Executor> executor() {
		return this.delegate.executor();
	}

}
