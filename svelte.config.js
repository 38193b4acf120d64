import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		adapter: adapter({ out: 'build' }),
		// Scripts only by nonce; Plot writes <style> elements and Svelte style attributes, so
		// styles need 'unsafe-inline'. frame-ancestors, HSTS and the rest: src/lib/server/http/security.ts.
		csp: {
			mode: 'nonce',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none'],
				'object-src': ['none'],
				'base-uri': ['none']
			}
		},
		typescript: {
			config: (tsconfig) => ({
				...tsconfig,
				compilerOptions: { ...tsconfig.compilerOptions, allowImportingTsExtensions: true }
			})
		}
	}
};

export default config;
