// A local stand-in for api.openweathermap.org and wttr.in (node:http on 127.0.0.1, ephemeral
// port) serving their real response shapes. The city decides the scenario:
//   London, Tokyo      → data              Atlantis → 404 "city not found" / wttr "Unknown location"
//   Quotaville         → 429               Brokenburg → 502
//   Slowtown           → answers after `slowMs` (beyond HTTP_TIMEOUT in tests)
// OpenWeather requests with an appid other than `validKey` get OpenWeather's 401 body.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubOptions {
  validKey: string;
  slowMs?: number;
}

export interface UpstreamStub {
  baseUrl: string;
  /** Every request URL (path + query) received, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Fixed start of the forecast list: 2025-01-06T00:00:00Z. */
export const FORECAST_START = 1736121600;
/** London's forecast is served with a +1 h offset so grouping by local date is exercised. */
export const LONDON_TZ = 3600;

export async function startUpstreamStub(options: StubOptions): Promise<UpstreamStub> {
  const requests: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const slowMs = options.slowMs ?? 3000;

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://stub');
    requests.push(url.pathname + url.search);
    const respond = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json', ...headers });
      res.end(text);
    };
    if (url.pathname === '/data/2.5/weather' || url.pathname === '/data/2.5/forecast') {
      const city = url.searchParams.get('q') ?? '';
      const scenario = () => openWeather(url, city, options.validKey, respond);
      if (city === 'Slowtown') {
        const timer = setTimeout(() => {
          timers.delete(timer);
          scenario();
        }, slowMs);
        timers.add(timer);
        return;
      }
      scenario();
      return;
    }
    const city = decodeURIComponent(url.pathname.slice(1));
    if (url.searchParams.get('format') !== 'j1') return respond(400, 'format=j1 expected');
    if (city === 'Slowtown') {
      const timer = setTimeout(() => {
        timers.delete(timer);
        respond(200, wttrReport('Slowtown', 'Nowhere'));
      }, slowMs);
      timers.add(timer);
      return;
    }
    if (city === 'Atlantis') return respond(200, 'Unknown location; please try ~31.0,-24.0');
    if (city === 'Nowhere Land') return respond(404, wttrReport('New Found Out', 'Guyana'));
    if (city === 'Quotaville') return respond(429, 'Too Many Requests');
    if (city === 'Brokenburg') return respond(503, '<html>Service Unavailable</html>');
    return respond(200, wttrReport(city, city === 'Tokyo' ? 'Japan' : 'United Kingdom'));
  }

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function openWeather(
  url: URL,
  city: string,
  validKey: string,
  respond: (status: number, body: unknown, headers?: Record<string, string>) => void,
): void {
  if (url.searchParams.get('appid') !== validKey) {
    return respond(401, {
      cod: 401,
      message: 'Invalid API key. Please see https://openweathermap.org/faq#error401 for more info.',
    });
  }
  if (city === 'Atlantis') return respond(404, { cod: '404', message: 'city not found' });
  if (city === 'Quotaville') {
    return respond(
      429,
      { cod: 429, message: 'Your account is temporary blocked due to exceeding of requests limitation of your subscription type.' },
      { 'retry-after': '60' },
    );
  }
  if (city === 'Brokenburg') return respond(502, '<html><body>502 Bad Gateway</body></html>');
  const units = url.searchParams.get('units') ?? 'standard';
  if (url.pathname.endsWith('/weather')) return respond(200, openWeatherCurrent(city, units));
  return respond(200, openWeatherForecast(city, units));
}

/** Celsius in the stub's data, converted the way OpenWeather does for its `units` parameter. */
function temp(celsius: number, units: string): number {
  if (units === 'imperial') return Math.round((celsius * 1.8 + 32) * 100) / 100;
  if (units === 'metric') return celsius;
  return Math.round((celsius + 273.15) * 100) / 100;
}

function openWeatherCurrent(city: string, units: string): unknown {
  return {
    coord: { lon: -0.1257, lat: 51.5085 },
    weather: [{ id: 803, main: 'Clouds', description: 'broken clouds', icon: '04d' }],
    base: 'stations',
    main: {
      temp: temp(12.5, units),
      feels_like: temp(11.8, units),
      temp_min: temp(11.1, units),
      temp_max: temp(13.9, units),
      pressure: 1014,
      humidity: 76,
      sea_level: 1014,
      grnd_level: 1010,
    },
    visibility: 10000,
    wind: { speed: units === 'imperial' ? 9.22 : 4.12, deg: 250, gust: 7.2 },
    clouds: { all: 75 },
    dt: 1736164800,
    sys: { type: 2, id: 2075535, country: 'GB', sunrise: 1736150583, sunset: 1736179421 },
    timezone: 0,
    id: 2643743,
    name: city,
    cod: 200,
  };
}

/** 40 three-hourly steps from FORECAST_START; the min/max of local day d (d = 0..5) is 5+d / 10+d °C. */
function openWeatherForecast(city: string, units: string): unknown {
  const list = Array.from({ length: 40 }, (_, i) => {
    const dt = FORECAST_START + i * 3 * 3600;
    const localDay = Math.floor((dt + LONDON_TZ - FORECAST_START) / 86400);
    const hour = new Date((dt + LONDON_TZ) * 1000).getUTCHours();
    const daytime = hour >= 6 && hour < 18;
    const rainy = localDay === 1 && daytime;
    return {
      dt,
      main: {
        temp: temp(7 + localDay, units),
        feels_like: temp(6 + localDay, units),
        temp_min: temp(hour === 4 ? 5 + localDay : 7 + localDay, units),
        temp_max: temp(hour === 16 ? 10 + localDay : 8 + localDay, units),
        pressure: 1012,
        sea_level: 1012,
        grnd_level: 1008,
        humidity: 80,
        temp_kf: 0,
      },
      weather: [
        rainy
          ? { id: 500, main: 'Rain', description: 'light rain', icon: '10d' }
          : daytime
            ? { id: 800, main: 'Clear', description: 'clear sky', icon: '01d' }
            : { id: 804, main: 'Clouds', description: 'overcast clouds', icon: '04n' },
      ],
      clouds: { all: rainy ? 90 : 10 },
      wind: { speed: 3.1, deg: 200, gust: 5 },
      visibility: 10000,
      pop: rainy ? 0.6 : 0,
      ...(rainy ? { rain: { '3h': 1.25 } } : {}),
      sys: { pod: daytime ? 'd' : 'n' },
      dt_txt: new Date(dt * 1000).toISOString().replace('T', ' ').slice(0, 19),
    };
  });
  return {
    cod: '200',
    message: 0,
    cnt: list.length,
    list,
    city: {
      id: 2643743,
      name: city,
      coord: { lat: 51.5085, lon: -0.1257 },
      country: 'GB',
      population: 1000000,
      timezone: LONDON_TZ,
      sunrise: 1736150583,
      sunset: 1736179421,
    },
  };
}

/** wttr.in's j1 shape (trimmed of the per-language fields a client does not need). */
export function wttrReport(area: string, country: string): unknown {
  const hourly = (day: number) =>
    Array.from({ length: 8 }, (_, i) => ({
      time: String(i * 300),
      tempC: String(4 + day + i),
      tempF: String(Math.round((4 + day + i) * 1.8 + 32)),
      weatherCode: '116',
      weatherDesc: [{ value: i >= 2 && i <= 6 ? (day === 1 ? 'Patchy rain nearby' : 'Sunny') : 'Clear ' }],
      chanceofrain: day === 1 && i >= 2 && i <= 6 ? '70' : '0',
      chanceofsnow: '0',
      precipMM: day === 1 && i >= 2 && i <= 6 ? '0.4' : '0.0',
      windspeedKmph: '12',
    }));
  return {
    current_condition: [
      {
        FeelsLikeC: '9',
        FeelsLikeF: '48',
        cloudcover: '50',
        humidity: '71',
        localObsDateTime: '2025-01-06 11:00 AM',
        observation_time: '11:00 AM',
        precipInches: '0.0',
        precipMM: '0.0',
        pressure: '1019',
        pressureInches: '30',
        temp_C: '11',
        temp_F: '52',
        uvIndex: '2',
        visibility: '10',
        visibilityMiles: '6',
        weatherCode: '116',
        weatherDesc: [{ value: 'Partly cloudy' }],
        weatherIconUrl: [{ value: '' }],
        winddir16Point: 'WSW',
        winddirDegree: '247',
        windspeedKmph: '18',
        windspeedMiles: '11',
      },
    ],
    nearest_area: [
      {
        areaName: [{ value: area }],
        country: [{ value: country }],
        latitude: '51.517',
        longitude: '-0.106',
        population: '7556900',
        region: [{ value: 'City of London, Greater London' }],
        weatherUrl: [{ value: '' }],
      },
    ],
    request: [{ query: `${area}, ${country}`, type: 'City' }],
    weather: [0, 1, 2].map((day) => ({
      astronomy: [{ sunrise: '08:05 AM', sunset: '04:04 PM' }],
      avgtempC: String(7 + day),
      avgtempF: String(Math.round((7 + day) * 1.8 + 32)),
      date: `2025-01-0${6 + day}`,
      maxtempC: String(11 + day),
      maxtempF: String(Math.round((11 + day) * 1.8 + 32)),
      mintempC: String(3 + day),
      mintempF: String(Math.round((3 + day) * 1.8 + 32)),
      sunHour: '5.0',
      totalSnow_cm: '0.0',
      uvIndex: '1',
      hourly: hourly(day),
    })),
  };
}
