import 'reflect-metadata';
import { runApp } from '@sso/platform';
import { tokenAdmin } from './app';

void runApp(tokenAdmin);
