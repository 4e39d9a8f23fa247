import 'reflect-metadata';
import { runApp } from '@sso/platform';
import { scimApi } from './app';

void runApp(scimApi);
